// The posterior of unscaled_covariate/model.glmm (Glimmer's default priors: Normal(0, 10) on the
// intercept and on the slope per unit of x). Stan samples the slope per x_scale units of x,
// b_x_scaled = x_scale * b_x, whose prior is then Normal(0, 10 * x_scale): a linear change of variable
// (constant Jacobian), so the same posterior; b_x is reported per unit of x. (Sampling b_x directly
// would fail at initialisation: Stan's random inits in (-2, 2) overflow exp(b_x * 1e6).)
data {
  int<lower=1> N;
  int<lower=0> y[N];
  vector[N] x;
  real<lower=0> x_scale;
}
transformed data {
  vector[N] x_scaled = x / x_scale;
}
parameters {
  real b_Intercept;
  real b_x_scaled;
}
transformed parameters {
  real b_x = b_x_scaled / x_scale;
}
model {
  b_Intercept ~ normal(0, 10);
  b_x_scaled ~ normal(0, 10 * x_scale);
  y ~ poisson_log(b_Intercept + b_x_scaled * x_scaled);
}
