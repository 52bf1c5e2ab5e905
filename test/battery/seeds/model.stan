// The posterior of seeds/model.glmm: BUGS's priors (alpha ~ Normal(0, 1000), precision
// tau ~ Gamma(0.001, 0.001), shape/rate), b[plate] ~ Normal(0, 1 / sqrt(tau)). Non-centred plate
// effects: the same posterior on (alpha, tau, b), reported as b = sigma * z.
data {
  int<lower=1> N;
  int<lower=0> r[N];
  int<lower=0> n[N];
  vector[N] x1;
  vector[N] x2;
}
parameters {
  real alpha0;
  real alpha1;
  real alpha2;
  real alpha12;
  real<lower=0> tau;
  vector[N] z;
}
transformed parameters {
  real<lower=0> sigma = inv_sqrt(tau);
  vector[N] b = sigma * z;
}
model {
  alpha0 ~ normal(0, 1000);
  alpha1 ~ normal(0, 1000);
  alpha2 ~ normal(0, 1000);
  alpha12 ~ normal(0, 1000);
  tau ~ gamma(0.001, 0.001);
  z ~ std_normal();
  r ~ binomial_logit(n, alpha0 + alpha1 * x1 + alpha2 * x2 + alpha12 * (x1 .* x2) + b);
}
