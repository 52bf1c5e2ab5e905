# poisson_year: simulated. 40 years, count ~ Poisson(exp(b0 + b1 t + b2 t^2 + b3 t^3 + u[year])), t the
# standardised year, u[year] ~ Normal(0, sigma_year) with a small true sigma_year (0.05): centred in
# model.glmm, a funnel. References: lme4 glmer(count ~ t + I(t^2) + I(t^3) + (1 | year), poisson) and
# glmmTMB, renamed to the hand-written model's names; Stan (non-centred: the same posterior).
source("test/battery/r/common.R")
case <- "poisson_year"

set.seed(20240612)
year <- 1981:2020
t <- (year - mean(year)) / sd(year)
truth <- list(b0 = 4.7, b1 = 0.25, b2 = -0.1, b3 = 0.05, sigma_year = 0.05)
u <- rnorm(length(year), 0, truth$sigma_year)
count <- rpois(length(year), exp(truth$b0 + truth$b1 * t + truth$b2 * t^2 + truth$b3 * t^3 + u))
truth$u <- setNames(as.list(u), sprintf("u[%d]", year))
# 17 significant digits: the CSV holds exactly the doubles R used.
file <- write_data(data.frame(year = year, t = sprintf("%.17g", t), count = count), case)
df <- read_back(case, "year")
stopifnot(all(df$t == t), identical(levels(df$year), as.character(year)))
message(sprintf("[%s] counts %d..%d", case, min(count), max(count)))

form <- count ~ t + I(t^2) + I(t^3) + (1 | year)
ml <- timed(function() glmer(form, df, family = poisson), n = 5)
message(sprintf("[%s] lme4 ML %.2f s, logLik %.4f, sd %.4f, singular %s", case, ml$seconds, logLik(ml$fit),
                getME(ml$fit, "theta"), isSingular(ml$fit)))
tmb <- timed(function() glmmTMB(form, df, family = poisson), n = 5)
message(sprintf("[%s] glmmTMB %.2f s, logLik %.4f", case, tmb$seconds, logLik(tmb$fit)))

fixed_names <- c("(Intercept)" = "b0", t = "b1", "I(t^2)" = "b2", "I(t^3)" = "b3", "sd[year, (Intercept)]" = "sigma_year")
rename <- function(k) {
  if (k %in% names(fixed_names)) return(fixed_names[[k]])
  m <- regmatches(k, regexec("^year\\[([0-9]+), \\(Intercept\\)\\]$", k))[[1]]
  if (length(m) == 2) return(sprintf("u[%s]", m[2]))
  k
}

stan_data <- list(N = nrow(df), count = df$count, t = df$t, J = nlevels(df$year), year = as.integer(df$year))
draws <- rename_draws(c(b0 = "b0", b1 = "b1", b2 = "b2", b3 = "b3", sigma_year = "sigma_year"),
                      list(u = sprintf("u[%s]", levels(df$year))))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case,
  description = paste("Simulated Poisson GLMM: 40 yearly counts, a cubic trend in the standardised year and a centred year",
                      "effect with a small true sd (0.05), a funnel; hand-written model; ml/glmmtmb: glmer/glmmTMB",
                      "count ~ t + I(t^2) + I(t^3) + (1 | year) renamed (b0..b3, sigma_year, u[year])"),
  source = "simulated by test/battery/r/poisson_year.R (set.seed(20240612))", rows = nrow(df), data = file,
  random_effects = nlevels(df$year), truth = truth,
  ml = lme4_block(ml, "glmer(count ~ t + I(t^2) + I(t^3) + (1 | year), data, family = poisson)",
                  sprintf("lme4::glmer %s (Laplace, nAGQ = 1)", packageVersion("lme4")), rename = rename),
  glmmtmb = glmmtmb_block(tmb, "glmmTMB(count ~ t + I(t^2) + I(t^3) + (1 | year), data, family = poisson)", rename = rename),
  stan = stan))
