// The posterior of grouseticks/model.glmm (Glimmer's default priors). Non-centred random effects: the
// same posterior on (beta, sd, u), reported as u = sd * z.
data {
  int<lower=1> N;
  int<lower=0> TICKS[N];
  vector[N] YEAR96;
  vector[N] YEAR97;
  vector[N] sHEIGHT;
  int<lower=1> J_BROOD;
  int<lower=1> J_INDEX;
  int<lower=1> J_LOCATION;
  int<lower=1, upper=J_BROOD> BROOD[N];
  int<lower=1, upper=J_INDEX> INDEX[N];
  int<lower=1, upper=J_LOCATION> LOCATION[N];
}
parameters {
  real b_Intercept;
  real b_YEAR96;
  real b_YEAR97;
  real b_sHEIGHT;
  real<lower=0> sd_BROOD;
  real<lower=0> sd_INDEX;
  real<lower=0> sd_LOCATION;
  vector[J_BROOD] z_BROOD;
  vector[J_INDEX] z_INDEX;
  vector[J_LOCATION] z_LOCATION;
}
transformed parameters {
  vector[J_BROOD] u_BROOD = sd_BROOD * z_BROOD;
  vector[J_INDEX] u_INDEX = sd_INDEX * z_INDEX;
  vector[J_LOCATION] u_LOCATION = sd_LOCATION * z_LOCATION;
}
model {
  b_Intercept ~ normal(0, 10);
  b_YEAR96 ~ normal(0, 10);
  b_YEAR97 ~ normal(0, 10);
  b_sHEIGHT ~ normal(0, 10);
  sd_BROOD ~ normal(0, 1);
  sd_INDEX ~ normal(0, 1);
  sd_LOCATION ~ normal(0, 1);
  z_BROOD ~ std_normal();
  z_INDEX ~ std_normal();
  z_LOCATION ~ std_normal();
  TICKS ~ poisson_log(b_Intercept + b_YEAR96 * YEAR96 + b_YEAR97 * YEAR97 + b_sHEIGHT * sHEIGHT
                      + u_BROOD[BROOD] + u_INDEX[INDEX] + u_LOCATION[LOCATION]);
}
