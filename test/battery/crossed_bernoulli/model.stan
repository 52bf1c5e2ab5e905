// The posterior of crossed_bernoulli/model.glmm (Glimmer's default priors: fixed effects Normal(0, 10),
// sds HalfNormal(1)). Non-centred subject and item effects: the same posterior on (beta, sd, u),
// reported as u = sd * z.
data {
  int<lower=1> N;
  int<lower=0, upper=1> y[N];
  vector[N] x;
  int<lower=1> J_subj;
  int<lower=1> J_item;
  int<lower=1, upper=J_subj> subj[N];
  int<lower=1, upper=J_item> item[N];
}
parameters {
  real b_Intercept;
  real b_x;
  real<lower=0> sd_subj;
  real<lower=0> sd_item;
  vector[J_subj] z_subj;
  vector[J_item] z_item;
}
transformed parameters {
  vector[J_subj] u_subj = sd_subj * z_subj;
  vector[J_item] u_item = sd_item * z_item;
}
model {
  b_Intercept ~ normal(0, 10);
  b_x ~ normal(0, 10);
  sd_subj ~ normal(0, 1);
  sd_item ~ normal(0, 1);
  z_subj ~ std_normal();
  z_item ~ std_normal();
  y ~ bernoulli_logit(b_Intercept + b_x * x + u_subj[subj] + u_item[item]);
}
