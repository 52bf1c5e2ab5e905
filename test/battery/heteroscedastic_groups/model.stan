// The posterior of heteroscedastic_groups/model.glmm: a, b ~ Normal(0, 5), sigma[k] ~ HalfNormal(3) for
// each of the K levels of h, tau ~ HalfNormal(2), u[r] ~ Normal(0, tau), y ~ Normal(a + b x + u[r], sigma[h]).
// Non-centred random intercepts: the same posterior on (a, b, sigma, tau, u), reported as u = tau * z.
data {
  int<lower=1> N;
  vector[N] y;
  vector[N] x;
  int<lower=1> K;
  int<lower=1, upper=K> h[N];
  int<lower=1> J;
  int<lower=1, upper=J> r[N];
}
parameters {
  real a;
  real b;
  vector<lower=0>[K] sigma;
  real<lower=0> tau;
  vector[J] z;
}
transformed parameters {
  vector[J] u = tau * z;
}
model {
  a ~ normal(0, 5);
  b ~ normal(0, 5);
  sigma ~ normal(0, 3);
  tau ~ normal(0, 2);
  z ~ std_normal();
  y ~ normal(a + b * x + u[r], sigma[h]);
}
