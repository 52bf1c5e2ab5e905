// bench/models/poisson_years.glmm in Stan: a cubic trend and a centred year effect, the same priors.
data {
  int<lower=1> N;
  int<lower=0> count[N];
  int<lower=1> J;
  int<lower=1, upper=J> year[N];
  vector[N] t;
}
transformed data {
  vector[N] t2 = t .* t;
  vector[N] t3 = t2 .* t;
}
parameters {
  real b0;
  real b1;
  real b2;
  real b3;
  real<lower=0> sigma_year;
  vector[J] u;
}
model {
  b0 ~ normal(0, 5);
  b1 ~ normal(0, 5);
  b2 ~ normal(0, 5);
  b3 ~ normal(0, 5);
  sigma_year ~ normal(0, 1);
  u ~ normal(0, sigma_year);
  count ~ poisson_log(b0 + b1 * t + b2 * t2 + b3 * t3 + u[year]);
}
