# poisson_large_counts: simulated Poisson GLMM with counts near 1e4, an exposure offset and a correlated
# random slope, y ~ poisson(1 + x + offset(log(expo)) + (1 + x | g)), 10 groups x 30 rows.
# Large counts make the conditional posterior of the random effects very narrow (conditional sds ~0.002),
# a test of the Laplace engines' numerical derivatives. References: lme4 ML (glmer, Laplace), glmmTMB ML,
# Stan (Glimmer's default priors; sampled in the group coefficients b + u, the same posterior: see model.stan).
source("test/battery/r/common.R")
case <- "poisson_large_counts"

truth <- list(`(Intercept)` = 1.2, x = 0.3, `sd[g, (Intercept)]` = 0.3, `sd[g, x]` = 0.1,
              `cor[g, (Intercept), x]` = -0.3)
set.seed(20240614)
J <- 10; per <- 30
lv <- sprintf("g%02d", seq_len(J))
g <- rep(lv, each = per)
gi <- rep(seq_len(J), each = per)
x <- round(rnorm(J * per), 6)
expo <- sample(500:3000, J * per, replace = TRUE)
S <- diag(c(truth[["sd[g, (Intercept)]"]], truth[["sd[g, x]"]]))
R <- matrix(c(1, truth[["cor[g, (Intercept), x]"]], truth[["cor[g, (Intercept), x]"]], 1), 2, 2)
U <- MASS::mvrnorm(J, c(0, 0), S %*% R %*% S)
eta <- truth[["(Intercept)"]] + U[gi, 1] + (truth[["x"]] + U[gi, 2]) * x + log(expo)
y <- rpois(J * per, exp(eta))
truth_re <- list()
for (j in seq_len(J)) {
  truth_re[[sprintf("g[%s, (Intercept)]", lv[j])]] <- U[j, 1]
  truth_re[[sprintf("g[%s, x]", lv[j])]] <- U[j, 2]
}

file <- write_data(data.frame(y = y, expo = expo, x = x, g = g), case)
df <- read_back(case, "g")
message(sprintf("[%s] counts %d..%d (median %.0f)", case, min(df$y), max(df$y), median(df$y)))
form <- y ~ 1 + x + offset(log(expo)) + (1 + x | g)
ml <- timed(function() glmer(form, df, family = poisson), n = 5)
message(sprintf("[%s] lme4 ML %.2f s, logLik %.4f, singular %s", case, ml$seconds, logLik(ml$fit), isSingular(ml$fit)))
tmb <- timed(function() glmmTMB(form, df, family = poisson), n = 5)
message(sprintf("[%s] glmmTMB %.2f s, logLik %.4f", case, tmb$seconds, logLik(tmb$fit)))

stan_data <- list(N = nrow(df), y = df$y, expo = df$expo, x = df$x, J = nlevels(df$g), g = as.integer(df$g))
draws <- rename_draws(
  c(b_Intercept = "(Intercept)", b_x = "x", sd_Intercept = "sd[g, (Intercept)]", sd_x = "sd[g, x]",
    cor = "cor[g, (Intercept), x]"),
  list(z_Intercept = re_names("g", levels(df$g), "(Intercept)", "z:"), z_x = re_names("g", levels(df$g), "x", "z:"),
       u_Intercept = re_names("g", levels(df$g), "(Intercept)"), u_x = re_names("g", levels(df$g), "x")))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case, description = "Simulated Poisson GLMM with counts near 1e4 (exposure offset) and correlated random intercepts and slopes: 10 groups x 30 rows",
  source = "simulated in test/battery/r/poisson_large_counts.R (set.seed(20240614))", rows = nrow(df), data = file,
  random_effects = 2 * nlevels(df$g),
  truth = c(truth, list(ranef = truth_re)),
  ml = lme4_block(ml, "glmer(y ~ 1 + x + offset(log(expo)) + (1 + x | g), data, family = poisson)", sprintf("lme4::glmer %s (Laplace, nAGQ = 1)", packageVersion("lme4"))),
  glmmtmb = glmmtmb_block(tmb, "glmmTMB(y ~ 1 + x + offset(log(expo)) + (1 + x | g), data, family = poisson)"),
  stan = stan))
