// The posterior of binomial_slopes/model.glmm (Glimmer's default priors: fixed effects Normal(0, 10),
// sds HalfNormal(1), the correlation LKJCorr(2), density proportional to (1 - r^2)^(2 - 1)). The
// correlated effects as Glimmer expands (1 + x | g): u = diag(sd) L z, z ~ N(0, 1), L the Cholesky
// factor of [[1, r], [r, 1]].
data {
  int<lower=1> N;
  int<lower=0> y[N];
  int<lower=0> trials[N];
  vector[N] x;
  int<lower=1> J;
  int<lower=1, upper=J> g[N];
}
parameters {
  real b_Intercept;
  real b_x;
  real<lower=0> sd_Intercept;
  real<lower=0> sd_x;
  vector[J] z_Intercept;
  vector[J] z_x;
  real<lower=-1, upper=1> cor;
}
transformed parameters {
  vector[J] u_Intercept = sd_Intercept * z_Intercept;
  vector[J] u_x = sd_x * (cor * z_Intercept + sqrt(1 - square(cor)) * z_x);
}
model {
  b_Intercept ~ normal(0, 10);
  b_x ~ normal(0, 10);
  sd_Intercept ~ normal(0, 1);
  sd_x ~ normal(0, 1);
  target += log1m(square(cor));
  z_Intercept ~ std_normal();
  z_x ~ std_normal();
  y ~ binomial_logit(trials, b_Intercept + u_Intercept[g] + (b_x + u_x[g]) .* x);
}
