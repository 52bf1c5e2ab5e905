# separation: a completely separated logistic regression, y ~ bernoulli(1 + x), 8 rows,
# x = -3.5, -2.5, ..., 3.5, y = (x > 0). The ML estimate does not exist: glm "converges" to a huge
# slope with warnings (recorded), and Glimmer's --ml must refuse the fit with E507 (expect_ml).
# References: stats::glm (ml, with its warnings), Stan with Glimmer's default priors Normal(0, 10),
# which make the posterior proper.
source("test/battery/r/common.R")
case <- "separation"

x <- seq(-3.5, 3.5, by = 1)
file <- write_data(data.frame(y = as.integer(x > 0), x = x), case)
df <- read_back(case)
ml <- timed(function() glm(y ~ 1 + x, df, family = binomial), n = 5)
message(sprintf("[%s] glm warnings: %s", case, paste(ml$warnings, collapse = "; ")))

stan_data <- list(N = nrow(df), y = df$y, x = df$x)
draws <- rename_draws(c(b_Intercept = "(Intercept)", b_x = "x"))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case, description = "A completely separated logistic regression (8 rows): no ML estimate; the default priors make the posterior proper",
  source = "constructed in test/battery/r/separation.R: x = -3.5, -2.5, ..., 3.5, y = (x > 0)", rows = nrow(df), data = file,
  random_effects = 0,
  expect_ml = "E507",
  expect_ml_note = "the ML estimate does not exist (complete separation): Glimmer's --ml must refuse with E507; the ml block is glm's non-answer, with its warnings",
  ml = glm_block(ml, "glm(y ~ 1 + x, data, family = binomial)"),
  stan = stan))
