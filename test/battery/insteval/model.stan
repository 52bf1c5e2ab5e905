// The posterior of insteval/model.glmm: Glimmer's default priors, centred random effects (as the
// formula expands them; the data are rich enough per level that centred sampling is efficient).
data {
  int<lower=1> N;
  vector[N] y;
  vector[N] service1;            // the model-matrix column service1 (0/1)
  int<lower=1> J_s;
  int<lower=1> J_d;
  int<lower=1> J_dept;
  int<lower=1, upper=J_s> s[N];
  int<lower=1, upper=J_d> d[N];
  int<lower=1, upper=J_dept> dept[N];
}
parameters {
  real b_Intercept;
  real b_service1;
  real<lower=0> sd_s;
  real<lower=0> sd_d;
  real<lower=0> sd_dept;
  real<lower=0> sigma;
  vector[J_s] u_s;
  vector[J_d] u_d;
  vector[J_dept] u_dept;
}
model {
  b_Intercept ~ normal(0, 10);
  b_service1 ~ normal(0, 10);
  sd_s ~ normal(0, 1);
  sd_d ~ normal(0, 1);
  sd_dept ~ normal(0, 1);
  sigma ~ student_t(3, 0, 2.5);
  u_s ~ normal(0, sd_s);
  u_d ~ normal(0, sd_d);
  u_dept ~ normal(0, sd_dept);
  y ~ normal(b_Intercept + b_service1 * service1 + u_s[s] + u_d[d] + u_dept[dept], sigma);
}
