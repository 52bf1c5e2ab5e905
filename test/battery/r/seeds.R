# seeds: the BUGS "seeds" example (Crowder 1978; WinBUGS Examples Vol. I): r of n seeds germinated on
# 21 plates, logit p = alpha0 + alpha1 x1 + alpha2 x2 + alpha12 x1 x2 + b[plate], b ~ Normal(0, 1/sqrt(tau)),
# BUGS's priors alpha ~ Normal(0, 1000) and tau ~ Gamma(0.001, 0.001) (shape, rate) on the precision.
# References: Stan (the posterior); lme4 glmer with (1 | plate) (the same likelihood) as `ml`, renamed
# to Glimmer's names, with tau = 1 / sd^2 and sigma = sd (the generated quantity); glmmTMB likewise.
source("test/battery/r/common.R")
case <- "seeds"

seeds <- data.frame(
  plate = 1:21,
  r = c(10, 23, 23, 26, 17, 5, 53, 55, 32, 46, 10, 8, 10, 8, 23, 0, 3, 22, 15, 32, 3),
  n = c(39, 62, 81, 51, 39, 6, 74, 72, 51, 79, 13, 16, 30, 28, 45, 4, 12, 41, 30, 51, 7),
  x1 = c(rep(0, 11), rep(1, 10)),
  x2 = c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1))
file <- write_data(seeds, case)
df <- read_back(case, "plate")
stopifnot(identical(levels(df$plate), as.character(1:21)))

form <- cbind(r, n - r) ~ x1 * x2 + (1 | plate)
ml <- timed(function() glmer(form, df, family = binomial), n = 5)
message(sprintf("[%s] lme4 ML %.2f s, logLik %.4f", case, ml$seconds, logLik(ml$fit)))
tmb <- timed(function() glmmTMB(form, df, family = binomial), n = 5)
message(sprintf("[%s] glmmTMB %.2f s, logLik %.4f", case, tmb$seconds, logLik(tmb$fit)))

fixed_names <- c("(Intercept)" = "alpha0", x1 = "alpha1", x2 = "alpha2", "x1:x2" = "alpha12")
rename <- function(k) {
  if (k %in% names(fixed_names)) return(fixed_names[[k]])
  m <- regmatches(k, regexec("^plate\\[([0-9]+), \\(Intercept\\)\\]$", k))[[1]]
  if (length(m) == 2) return(sprintf("b[%s]", m[2]))
  k
}
# The sd of the plate effects -> Glimmer's parameter tau = 1 / sd^2 (SE by the delta method, 2 se / sd^3)
# and its generated quantity sigma = sd.
sd_to_tau <- function(est, ranef) {
  s <- est[["sd[plate, (Intercept)]"]]
  est[["sd[plate, (Intercept)]"]] <- NULL
  est[["tau"]] <- list(est = 1 / s$est^2, se = if (is.na(s$se)) NA_real_ else 2 * s$se / s$est^3)
  est[["sigma"]] <- s
  list(est = est, ranef = ranef)
}
ml_block <- lme4_block(ml, "glmer(cbind(r, n - r) ~ x1 * x2 + (1 | plate), data, family = binomial)",
                       sprintf("lme4::glmer %s (Laplace, nAGQ = 1)", packageVersion("lme4")), rename = rename, transform = sd_to_tau)
ml_block$se_note <- paste(ml_block$se_note, "; tau = 1 / sd^2 with SE 2 se(sd) / sd^3 (delta method); sigma = sd", sep = "")
tmb_block <- glmmtmb_block(tmb, "glmmTMB(cbind(r, n - r) ~ x1 * x2 + (1 | plate), data, family = binomial)", rename = rename)
s <- tmb_block$estimates[["sd[plate, (Intercept)]"]]
tmb_block$estimates[["sd[plate, (Intercept)]"]] <- NULL
# log tau = -2 log sd: the link-scale SE doubles, tau's SE is tau * se_link.
tmb_block$estimates[["tau"]] <- list(est = 1 / s$est^2, se = 2 * s$se_link / s$est^2, se_link = 2 * s$se_link, link = "log")
tmb_block$estimates[["sigma"]] <- s

stan_data <- list(N = nrow(df), r = df$r, n = df$n, x1 = df$x1, x2 = df$x2)
draws <- rename_draws(c(alpha0 = "alpha0", alpha1 = "alpha1", alpha2 = "alpha2", alpha12 = "alpha12", tau = "tau", sigma = "sigma"),
                      list(b = sprintf("b[%s]", levels(df$plate))))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case,
  description = paste("BUGS seeds (Crowder 1978): binomial GLMM, 2 x 2 design with interaction, plate-level random effect",
                      "b ~ Normal(0, 1/sqrt(tau)) with BUGS's priors (alpha ~ Normal(0, 1000), tau ~ Gamma(0.001, 0.001));",
                      "hand-written model; ml/glmmtmb: the same likelihood as cbind(r, n - r) ~ x1 * x2 + (1 | plate), renamed,",
                      "tau = 1 / sd^2, sigma = sd"),
  source = "Crowder (1978), Appl. Statist. 27, 34-37; WinBUGS/OpenBUGS Examples Vol. I, Seeds", rows = nrow(df), data = file,
  random_effects = nlevels(df$plate), ml = ml_block, glmmtmb = tmb_block, stan = stan))
