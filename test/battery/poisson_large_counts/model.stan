// The posterior of poisson_large_counts/model.glmm (Glimmer's default priors: fixed effects Normal(0, 10),
// sds HalfNormal(1), the correlation LKJCorr(2), density proportional to (1 - r^2)^(2 - 1)), with the
// correlated effects of (1 + x | g): (u_Intercept[j], u_x[j]) ~ Normal(0, diag(sd) [[1, r], [r, 1]] diag(sd)),
// and the offset log(expo) added to the linear predictor.
// Sampled in the group coefficients m = b + u (hierarchical centring: a shift of (b, u) with unit Jacobian,
// the same posterior): with counts near 1e4 each group's coefficients are known to ~0.003 while b is
// known only to ~0.1, a ridge that the non-centred (and the centred, in u) forms sample slowly (the
// non-centred default run took 2 minutes for a minimum bulk ESS of 386). Reported as u = m - b and as the
// standardised effects Glimmer samples, z with u = diag(sd) L z, L the Cholesky factor of [[1, r], [r, 1]]:
// z_Intercept = u_Intercept / sd_Intercept, z_x = (u_x / sd_x - r z_Intercept) / sqrt(1 - r^2).
data {
  int<lower=1> N;
  int<lower=0> y[N];
  vector<lower=0>[N] expo;
  vector[N] x;
  int<lower=1> J;
  int<lower=1, upper=J> g[N];
}
transformed data {
  vector[N] log_expo = log(expo);
}
parameters {
  real b_Intercept;
  real b_x;
  real<lower=0> sd_Intercept;
  real<lower=0> sd_x;
  real<lower=-1, upper=1> cor;
  vector[J] m_Intercept;
  vector[J] m_x;
}
transformed parameters {
  vector[J] u_Intercept = m_Intercept - b_Intercept;
  vector[J] u_x = m_x - b_x;
}
model {
  b_Intercept ~ normal(0, 10);
  b_x ~ normal(0, 10);
  sd_Intercept ~ normal(0, 1);
  sd_x ~ normal(0, 1);
  target += log1m(square(cor));
  // the bivariate normal of (u_Intercept[j], u_x[j]) as u_Intercept[j] times u_x[j] given it
  u_Intercept ~ normal(0, sd_Intercept);
  u_x ~ normal(cor * sd_x / sd_Intercept * u_Intercept, sd_x * sqrt(1 - square(cor)));
  y ~ poisson_log(log_expo + m_Intercept[g] + m_x[g] .* x);
}
generated quantities {
  vector[J] z_Intercept = u_Intercept / sd_Intercept;
  vector[J] z_x = (u_x / sd_x - cor * z_Intercept) / sqrt(1 - square(cor));
}
