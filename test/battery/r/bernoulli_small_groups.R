# bernoulli_small_groups: simulated Bernoulli GLMM with many tiny groups,
# y ~ bernoulli(1 + x + (1 | g)), 200 groups of 1 or 2 rows (100 of each, 300 rows).
# The classic case where the Laplace approximation underestimates the variance of the random effects.
# References: lme4 ML (glmer, Laplace), glmmTMB ML, Stan (Glimmer's default priors).
source("test/battery/r/common.R")
case <- "bernoulli_small_groups"

truth <- list(`(Intercept)` = -0.5, x = 0.8, `sd[g, (Intercept)]` = 1)
set.seed(20240613)
J <- 200
size <- sample(rep(1:2, each = J / 2))
lv <- sprintf("g%03d", seq_len(J))
gi <- rep(seq_len(J), times = size)
u <- rnorm(J, 0, truth[["sd[g, (Intercept)]"]])
x <- round(rnorm(length(gi)), 6)
eta <- truth[["(Intercept)"]] + truth[["x"]] * x + u[gi]
y <- rbinom(length(gi), 1, plogis(eta))
truth_re <- setNames(as.list(u), re_names("g", lv))

file <- write_data(data.frame(y = y, x = x, g = lv[gi]), case)
df <- read_back(case, "g")
message(sprintf("[%s] %d rows, %d groups, mean(y) %.3f", case, nrow(df), nlevels(df$g), mean(df$y)))
form <- y ~ 1 + x + (1 | g)
# glmer's default PIRLS tolerance (tolPwrss = 1e-7) leaves its Laplace deviance too noisy here (200 groups
# of 1-2 Bernoulli rows): it stops short ("failed to converge with max|grad| = 0.02", logLik 0.0002 below
# glmmTMB's) and its finite-difference Hessian gives fixed-effect SEs of 0.003 instead of 0.15. A tighter
# inner tolerance reaches glmmTMB's optimum and SEs; update(fit, devFunOnly = TRUE) keeps it for the sd's SE.
ctrl <- glmerControl(tolPwrss = 1e-10)
ml <- timed(function() glmer(form, df, family = binomial, control = ctrl), n = 5)
message(sprintf("[%s] lme4 ML %.2f s, logLik %.4f, sd %.4f, singular %s", case, ml$seconds, logLik(ml$fit),
                getME(ml$fit, "theta"), isSingular(ml$fit)))
tmb <- timed(function() glmmTMB(form, df, family = binomial), n = 5)
message(sprintf("[%s] glmmTMB %.2f s, logLik %.4f", case, tmb$seconds, logLik(tmb$fit)))

stan_data <- list(N = nrow(df), y = df$y, x = df$x, J = nlevels(df$g), g = as.integer(df$g))
draws <- rename_draws(
  c(b_Intercept = "(Intercept)", b_x = "x", sd_g = "sd[g, (Intercept)]"),
  list(u_g = re_names("g", levels(df$g))))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case, description = "Simulated Bernoulli GLMM with many tiny groups: 200 groups of 1 or 2 rows (Laplace underestimates the group sd)",
  source = "simulated in test/battery/r/bernoulli_small_groups.R (set.seed(20240613))", rows = nrow(df), data = file,
  random_effects = nlevels(df$g),
  truth = c(truth, list(ranef = truth_re)),
  ml = lme4_block(ml, "glmer(y ~ 1 + x + (1 | g), data, family = binomial, control = glmerControl(tolPwrss = 1e-10))", sprintf("lme4::glmer %s (Laplace, nAGQ = 1)", packageVersion("lme4"))),
  glmmtmb = glmmtmb_block(tmb, "glmmTMB(y ~ 1 + x + (1 | g), data, family = binomial)"),
  stan = stan))
