# unscaled_covariate: simulated Poisson regression with a covariate on a large scale,
# y ~ poisson(1 + x), x uniform on [0, 1e6], 300 rows; true intercept 0.5, slope 1.5e-6.
# References: stats::glm (ml), Stan with Glimmer's default priors (Normal(0, 10) on both coefficients,
# the slope's per unit of x: the data dominate).
source("test/battery/r/common.R")
case <- "unscaled_covariate"

truth <- list(`(Intercept)` = 0.5, x = 1.5e-6)
set.seed(20240614)
n <- 300
x <- round(runif(n, 0, 1e6), 3)
y <- rpois(n, exp(truth[["(Intercept)"]] + truth[["x"]] * x))

file <- write_data(data.frame(y = y, x = x), case)
df <- read_back(case)
ml <- timed(function() glm(y ~ 1 + x, df, family = poisson), n = 5)

# The Stan model samples the slope per million units of x (a linear change of variable: constant
# Jacobian, the same posterior) and reports b_x per unit of x.
stan_data <- list(N = nrow(df), y = df$y, x = df$x, x_scale = 1e6)
draws <- rename_draws(c(b_Intercept = "(Intercept)", b_x = "x"))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case, description = "Simulated Poisson regression with an unscaled covariate (x up to 1e6, slope 1.5e-6)",
  source = "simulated in test/battery/r/unscaled_covariate.R (set.seed(20240614))", rows = nrow(df), data = file,
  random_effects = 0,
  truth = truth,
  ml = glm_block(ml, "glm(y ~ 1 + x, data, family = poisson)"),
  stan = stan))
