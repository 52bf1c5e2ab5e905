// The posterior of separation/model.glmm (Glimmer's default priors: fixed effects Normal(0, 10)).
// With complete separation the likelihood alone is improper; the priors make the posterior proper.
data {
  int<lower=1> N;
  int<lower=0, upper=1> y[N];
  vector[N] x;
}
parameters {
  real b_Intercept;
  real b_x;
}
model {
  b_Intercept ~ normal(0, 10);
  b_x ~ normal(0, 10);
  y ~ bernoulli_logit(b_Intercept + b_x * x);
}
