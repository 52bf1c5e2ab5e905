// bench/models/cbpp.glmm in Stan: incidence ~ binomial(size, logit = 1 + period + (1 | herd)) with
// treatment contrasts (period 1 the reference) and Glimmer's default priors: fixed effects
// Normal(0, 10), the herd sd HalfNormal(1), centred herd effects.
data {
  int<lower=1> N;
  int<lower=0> incidence[N];
  int<lower=0> trials[N];  // cbpp.csv's size (a reserved word in Stan)
  int<lower=1> P;
  int<lower=1, upper=P> period[N];
  int<lower=1> H;
  int<lower=1, upper=H> herd[N];
}
parameters {
  real b_Intercept;
  vector[P - 1] b_period;
  real<lower=0> sd_herd;
  vector[H] u_herd;
}
model {
  vector[P] b_all = append_row(0, b_period);
  b_Intercept ~ normal(0, 10);
  b_period ~ normal(0, 10);
  sd_herd ~ normal(0, 1);
  u_herd ~ normal(0, sd_herd);
  incidence ~ binomial_logit(trials, b_Intercept + b_all[period] + u_herd[herd]);
}
