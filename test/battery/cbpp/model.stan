// The posterior of cbpp/model.glmm (Glimmer's default priors). Non-centred herd effects: the same
// posterior on (beta, sd, u), reported as u = sd * z.
data {
  int<lower=1> N;
  int<lower=0> incidence[N];
  int<lower=0> trials[N];
  vector[N] period2;
  vector[N] period3;
  vector[N] period4;
  int<lower=1> J;
  int<lower=1, upper=J> herd[N];
}
parameters {
  real b_Intercept;
  real b_period2;
  real b_period3;
  real b_period4;
  real<lower=0> sd_herd;
  vector[J] z;
}
transformed parameters {
  vector[J] u = sd_herd * z;
}
model {
  b_Intercept ~ normal(0, 10);
  b_period2 ~ normal(0, 10);
  b_period3 ~ normal(0, 10);
  b_period4 ~ normal(0, 10);
  sd_herd ~ normal(0, 1);
  z ~ std_normal();
  incidence ~ binomial_logit(trials, b_Intercept + b_period2 * period2 + b_period3 * period3 + b_period4 * period4 + u[herd]);
}
