// eight_schools_c/model.glmm as written: centred, theta ~ Normal(mu, tau), a funnel for small tau.
// Only the default (timed) run uses this model, to time Stan on the same centred geometry Glimmer
// samples; its divergences are recorded. The gold-standard summary comes from the non-centred
// ../eight_schools_nc/model.stan (the same posterior on (mu, tau, theta)), which samples without bias.
data {
  int<lower=1> J;
  vector[J] y;
  vector<lower=0>[J] sigma;
}
parameters {
  real mu;
  real<lower=0> tau;
  vector[J] theta;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  theta ~ normal(mu, tau);
  y ~ normal(theta, sigma);
}
