// The posterior of near_zero_sd/model.glmm (Glimmer's default priors: fixed effects Normal(0, 10),
// the sd HalfNormal(1), sigma HalfStudentT(3, 2.5)). Non-centred group effects (the sd's posterior
// piles up near 0): the same posterior on (beta, sd, u, sigma), reported as u = sd * z.
data {
  int<lower=1> N;
  vector[N] y;
  vector[N] x;
  int<lower=1> J;
  int<lower=1, upper=J> g[N];
}
parameters {
  real b_Intercept;
  real b_x;
  real<lower=0> sd_g;
  vector[J] z;
  real<lower=0> sigma;
}
transformed parameters {
  vector[J] u = sd_g * z;
}
model {
  b_Intercept ~ normal(0, 10);
  b_x ~ normal(0, 10);
  sd_g ~ normal(0, 1);
  sigma ~ student_t(3, 0, 2.5);
  z ~ std_normal();
  y ~ normal(b_Intercept + b_x * x + u[g], sigma);
}
