// models/eight_schools_nc.glmm in Stan: non-centred, the same priors and generated quantities.
data {
  int<lower=1> J;
  vector[J] y;
  vector<lower=0>[J] sigma;
}
parameters {
  real mu;
  real<lower=0> tau;
  vector[J] theta_raw;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  theta_raw ~ normal(0, 1);
  y ~ normal(mu + tau * theta_raw, sigma);
}
generated quantities {
  vector[J] theta = mu + tau * theta_raw;
}
