# binomial_slopes: simulated correlated-slope binomial GLMM,
# y ~ binomial(trials = n, 1 + x + (1 + x | g)), 25 groups x 12 rows, 10 trials per row.
# References: lme4 ML (glmer, Laplace), glmmTMB ML, Stan (Glimmer's default priors).
source("test/battery/r/common.R")
case <- "binomial_slopes"

truth <- list(`(Intercept)` = -0.5, x = 0.8, `sd[g, (Intercept)]` = 0.7, `sd[g, x]` = 0.4,
              `cor[g, (Intercept), x]` = 0.4)
set.seed(20240611)
J <- 25; per <- 12; trials <- 10
g <- rep(sprintf("g%02d", seq_len(J)), each = per)
x <- round(rnorm(J * per), 6)
S <- diag(c(truth[["sd[g, (Intercept)]"]], truth[["sd[g, x]"]]))
R <- matrix(c(1, truth[["cor[g, (Intercept), x]"]], truth[["cor[g, (Intercept), x]"]], 1), 2, 2)
U <- MASS::mvrnorm(J, c(0, 0), S %*% R %*% S)
gi <- rep(seq_len(J), each = per)
eta <- truth[["(Intercept)"]] + U[gi, 1] + (truth[["x"]] + U[gi, 2]) * x
y <- rbinom(J * per, trials, plogis(eta))
truth_re <- list()
for (j in seq_len(J)) {
  truth_re[[sprintf("g[%s, (Intercept)]", sprintf("g%02d", j))]] <- U[j, 1]
  truth_re[[sprintf("g[%s, x]", sprintf("g%02d", j))]] <- U[j, 2]
}

file <- write_data(data.frame(y = y, n = trials, x = x, g = g), case)
df <- read_back(case, "g")
ml <- timed(function() glmer(cbind(y, n - y) ~ 1 + x + (1 + x | g), df, family = binomial), n = 5)
tmb <- timed(function() glmmTMB(cbind(y, n - y) ~ 1 + x + (1 + x | g), df, family = binomial), n = 5)

stan_data <- list(N = nrow(df), y = df$y, trials = df$n, x = df$x, J = nlevels(df$g), g = as.integer(df$g))
lv <- levels(df$g)
draws <- rename_draws(
  c(b_Intercept = "(Intercept)", b_x = "x", sd_Intercept = "sd[g, (Intercept)]", sd_x = "sd[g, x]",
    cor = "cor[g, (Intercept), x]"),
  list(z_Intercept = re_names("g", lv, "(Intercept)", "z:"), z_x = re_names("g", lv, "x", "z:"),
       u_Intercept = re_names("g", lv, "(Intercept)"), u_x = re_names("g", lv, "x")))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case, description = "Simulated binomial GLMM (10 trials per row) with correlated random intercepts and slopes: 25 groups x 12 rows",
  source = "simulated in test/battery/r/binomial_slopes.R (set.seed(20240611))", rows = nrow(df), data = file,
  random_effects = 2 * nlevels(df$g),
  truth = c(truth, list(ranef = truth_re)),
  ml = lme4_block(ml, "glmer(cbind(y, n - y) ~ 1 + x + (1 + x | g), data, family = binomial)", sprintf("lme4::glmer %s (Laplace, nAGQ = 1)", packageVersion("lme4"))),
  glmmtmb = glmmtmb_block(tmb, "glmmTMB(cbind(y, n - y) ~ 1 + x + (1 + x | g), data, family = binomial)"),
  stan = stan))
