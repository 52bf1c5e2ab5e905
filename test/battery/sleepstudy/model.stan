// The posterior of sleepstudy/model.glmm: its priors, and the correlated random effects as Glimmer
// expands (1 + Days | Subject): u = diag(sd) L z, z ~ N(0, 1), L the Cholesky factor of [[1, r], [r, 1]],
// r ~ LKJCorr(2), i.e. density proportional to (1 - r^2)^(2 - 1).
data {
  int<lower=1> N;
  vector[N] Reaction;
  vector[N] Days;
  int<lower=1> J;
  int<lower=1, upper=J> Subject[N];
}
parameters {
  real b_Intercept;
  real b_Days;
  real<lower=0> sd_Intercept;
  real<lower=0> sd_Days;
  vector[J] z_Intercept;
  vector[J] z_Days;
  real<lower=-1, upper=1> cor;
  real<lower=0> sigma;
}
transformed parameters {
  vector[J] u_Intercept = sd_Intercept * z_Intercept;
  vector[J] u_Days = sd_Days * (cor * z_Intercept + sqrt(1 - square(cor)) * z_Days);
}
model {
  b_Intercept ~ normal(300, 100);
  b_Days ~ normal(0, 20);
  sd_Intercept ~ normal(0, 50);
  sd_Days ~ normal(0, 20);
  sigma ~ student_t(3, 0, 50);
  target += log1m(square(cor));
  z_Intercept ~ std_normal();
  z_Days ~ std_normal();
  Reaction ~ normal(b_Intercept + u_Intercept[Subject] + (b_Days + u_Days[Subject]) .* Days, sigma);
}
