// The posterior of sleepstudy_nc/model.glmm: the same priors, the same non-centred effects.
data {
  int<lower=1> N;
  vector[N] Reaction;
  vector[N] Days;
  int<lower=1> J;
  int<lower=1, upper=J> Subject[N];
}
parameters {
  real a;
  real b;
  real<lower=0> sd0;
  real<lower=0> sd1;
  real<lower=0> sigma;
  vector[J] z0;
  vector[J] z1;
}
model {
  a ~ normal(250, 100);
  b ~ normal(0, 50);
  sd0 ~ normal(0, 50);
  sd1 ~ normal(0, 20);
  sigma ~ normal(0, 50);
  z0 ~ std_normal();
  z1 ~ std_normal();
  Reaction ~ normal(a + sd0 * z0[Subject] + (b + sd1 * z1[Subject]) .* Days, sigma);
}
