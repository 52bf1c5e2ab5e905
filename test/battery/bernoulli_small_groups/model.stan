// The posterior of bernoulli_small_groups/model.glmm (Glimmer's default priors: fixed effects
// Normal(0, 10), sds HalfNormal(1)). Non-centred group effects: the same posterior on (beta, sd, u),
// reported as u = sd * z.
data {
  int<lower=1> N;
  int<lower=0, upper=1> y[N];
  vector[N] x;
  int<lower=1> J;
  int<lower=1, upper=J> g[N];
}
parameters {
  real b_Intercept;
  real b_x;
  real<lower=0> sd_g;
  vector[J] z_g;
}
transformed parameters {
  vector[J] u_g = sd_g * z_g;
}
model {
  b_Intercept ~ normal(0, 10);
  b_x ~ normal(0, 10);
  sd_g ~ normal(0, 1);
  z_g ~ std_normal();
  y ~ bernoulli_logit(b_Intercept + b_x * x + u_g[g]);
}
