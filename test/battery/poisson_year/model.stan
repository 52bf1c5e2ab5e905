// The posterior of poisson_year/model.glmm. Non-centred year effects: the same posterior on
// (b, sigma_year, u), reported as u = sigma_year * z.
data {
  int<lower=1> N;
  int<lower=0> count[N];
  vector[N] t;
  int<lower=1> J;
  int<lower=1, upper=J> year[N];
}
parameters {
  real b0;
  real b1;
  real b2;
  real b3;
  real<lower=0> sigma_year;
  vector[J] z;
}
transformed parameters {
  vector[J] u = sigma_year * z;
}
model {
  b0 ~ normal(0, 5);
  b1 ~ normal(0, 5);
  b2 ~ normal(0, 5);
  b3 ~ normal(0, 5);
  sigma_year ~ normal(0, 1);
  z ~ std_normal();
  count ~ poisson_log(b0 + b1 * t + b2 * (t .* t) + b3 * (t .* t .* t) + u[year]);
}
