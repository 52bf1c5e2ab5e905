# near_zero_sd: simulated Gaussian random intercept whose true sd is 0, y ~ gaussian(1 + x + (1 | g)),
# 10 groups x 20 rows. The ML and REML fits of lme4 are singular (sd = 0 on the boundary): that is
# the point of the case. References: lme4 ML and REML, glmmTMB ML, Stan (Glimmer's default priors).
source("test/battery/r/common.R")
case <- "near_zero_sd"

truth <- list(`(Intercept)` = 1, x = 0.5, `sd[g, (Intercept)]` = 0, sigma = 1)
# The seed is chosen (of 20240613..20240622, 9 of 10 give a singular ML fit) so that both ML and REML are singular.
set.seed(20240613)
J <- 10; per <- 20
g <- rep(sprintf("g%02d", seq_len(J)), each = per)
x <- round(rnorm(J * per), 6)
y <- round(truth[["(Intercept)"]] + truth[["x"]] * x + rnorm(J * per, 0, truth[["sigma"]]), 6)

file <- write_data(data.frame(y = y, x = x, g = g), case)
df <- read_back(case, "g")
form <- y ~ 1 + x + (1 | g)
ml <- timed(function() lmer(form, df, REML = FALSE), n = 5)
reml <- timed(function() lmer(form, df, REML = TRUE), n = 5)
tmb <- timed(function() glmmTMB(form, df), n = 5)
# lme4 reports the boundary as a message (not a warning, so timed() does not collect it): collect it here.
fit_messages <- function(fit) {
  msgs <- character()
  withCallingHandlers(fit(), message = function(m) {
    msgs <<- c(msgs, trimws(conditionMessage(m)))
    invokeRestart("muffleMessage")
  })
  as.list(unique(msgs))
}
ml_messages <- fit_messages(function() lmer(form, df, REML = FALSE))
reml_messages <- fit_messages(function() lmer(form, df, REML = TRUE))
message(sprintf("[%s] lme4 singular: ML %s, REML %s; glmmTMB pdHess %s", case, isSingular(ml$fit), isSingular(reml$fit), tmb$fit$sdr$pdHess))

stan_data <- list(N = nrow(df), y = df$y, x = df$x, J = nlevels(df$g), g = as.integer(df$g))
draws <- rename_draws(
  c(b_Intercept = "(Intercept)", b_x = "x", sd_g = "sd[g, (Intercept)]", sigma = "sigma"),
  list(u = re_names("g", levels(df$g))))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

ml_block <- lme4_block(ml, "lmer(y ~ 1 + x + (1 | g), data, REML = FALSE)", sprintf("lme4::lmer %s (ML)", packageVersion("lme4")))
ml_block$messages <- ml_messages
reml_block <- lme4_block(reml, "lmer(y ~ 1 + x + (1 | g), data)", sprintf("lme4::lmer %s (REML, the default)", packageVersion("lme4")))
reml_block$messages <- reml_messages

write_reference(case, list(
  case = case, description = "Simulated Gaussian LMM with a random intercept whose true sd is 0: lme4's ML and REML fits are singular",
  source = "simulated in test/battery/r/near_zero_sd.R (set.seed(20240613))", rows = nrow(df), data = file,
  random_effects = nlevels(df$g),
  truth = c(truth, list(ranef = setNames(as.list(rep(0, J)), re_names("g", levels(df$g))))),
  ml = ml_block,
  reml = reml_block,
  glmmtmb = glmmtmb_block(tmb, "glmmTMB(y ~ 1 + x + (1 | g), data)"),
  stan = stan))
