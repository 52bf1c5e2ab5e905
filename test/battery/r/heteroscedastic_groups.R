# heteroscedastic_groups: simulated Gaussian model in block syntax with a residual sd per level of a factor,
# y ~ Normal(a + b x + u[r], sigma[h]), u[r] ~ Normal(0, tau): 10 levels of h x 30 rows (300 rows), true
# sigma[h] log-spaced from 0.3 to 3, and 30 levels of r (10 rows each, crossed with h). Eleven
# hyperparameters (10 sigmas and tau): the nested Laplace integrates over an 11-dimensional grid.
# Priors on the data's scale (model.glmm). References: glmmTMB ML with dispformula = ~ 0 + h (lme4 cannot
# fit a residual sd per group), renamed to Glimmer's names; Stan (model.stan, non-centred u).
source("test/battery/r/common.R")
case <- "heteroscedastic_groups"

H <- 10; per <- 30; J <- 30
sg <- exp(seq(log(0.3), log(3), length.out = H))
truth <- c(list(a = 1, b = 0.5), setNames(as.list(sg), sprintf("sigma[h%02d]", seq_len(H))), list(tau = 0.7))
set.seed(20240615)
hl <- sprintf("h%02d", seq_len(H))
rl <- sprintf("r%02d", seq_len(J))
hi <- rep(seq_len(H), each = per)
ri <- sample(rep(seq_len(J), length.out = H * per))
x <- round(rnorm(H * per), 6)
u <- rnorm(J, 0, truth$tau)
y <- round(truth$a + truth$b * x + u[ri] + rnorm(H * per, 0, sg[hi]), 6)
truth_re <- setNames(as.list(u), sprintf("u[%s]", rl))

file <- write_data(data.frame(y = y, x = x, h = hl[hi], r = rl[ri]), case)
df <- read_back(case, c("h", "r"))
stopifnot(identical(levels(df$h), hl), identical(levels(df$r), rl))
message(sprintf("[%s] %d rows, %d levels of h, %d of r, sd(y) by h: %s", case, nrow(df), nlevels(df$h), nlevels(df$r),
                paste(sprintf("%.2f", tapply(df$y, df$h, sd)), collapse = " ")))

# ML: glmmTMB with one log-dispersion per level of h (~ 0 + h: no contrasts, betad[k] belongs to level k).
form <- y ~ 1 + x + (1 | r)
tmb <- timed(function() glmmTMB(form, df, dispformula = ~ 0 + h), n = 5)
fit <- tmb$fit
message(sprintf("[%s] glmmTMB %.2f s, logLik %.4f, pdHess %s", case, tmb$seconds, logLik(fit), fit$sdr$pdHess))
rename <- function(k) {
  if (k == "(Intercept)") return("a")
  if (k == "x") return("b")
  if (k == "sd[r, (Intercept)]") return("tau")
  m <- regmatches(k, regexec("^r\\[(.+), \\(Intercept\\)\\]$", k))[[1]]
  if (length(m) == 2) return(sprintf("u[%s]", m[2]))
  k
}
ml_block <- glmmtmb_block(tmb, "glmmTMB(y ~ 1 + x + (1 | r), data, family = gaussian, dispformula = ~ 0 + h)", rename = rename)
# The dispersions, which glmmtmb_block leaves out when there are several: glmmTMB 1.1.5's betad for gaussian
# is log(sigma^2), so sigma[h_k] = exp(betad[k] / 2) (checked against predict(type = "disp")), with the
# delta-method SE sigma * se(betad) / 2 (the same as Glimmer's delta method from log(sigma): at the optimum
# the SE of a monotone reparametrisation transforms by its derivative).
pf <- fit$sdr$par.fixed
bd <- which(names(pf) == "betad")
stopifnot(length(bd) == H)
disp <- predict(fit, newdata = data.frame(x = 0, h = factor(hl, levels = hl), r = NA), type = "disp")
stopifnot(max(abs(exp(pf[bd] / 2) - disp) / disp) < 1e-6)
for (k in seq_len(H)) {
  s <- exp(pf[bd[k]] / 2)
  se_link <- sqrt(fit$sdr$cov.fixed[bd[k], bd[k]])
  ml_block$estimates[[sprintf("sigma[%s]", hl[k])]] <- list(est = num(s), se = num(s * se_link / 2), se_link = num(se_link), link = "log(sigma^2)")
}
ml_block$se_note <- paste(ml_block$se_note, "; sigma[h] = exp(betad / 2) per level (dispformula = ~ 0 + h), SE sigma * se(betad) / 2", sep = "")
# The random effects' conditional sds: glmmTMB's ranef(condVar = TRUE) (TMB's sdreport) adds the uncertainty
# of the fixed parameters (here 10-40% above), while lme4's condVar, which `ml` blocks hold and Glimmer's --ml
# reports, is conditional on the estimates: the inverse of TMB's own Hessian in the random effects at the
# optimum (spHess), checked against the closed form 1 / sqrt(1 / tau^2 + sum over the level's rows of 1 / sigma[h]^2).
Hr <- fit$obj$env$spHess(fit$obj$env$last.par.best, random = TRUE)
condsd <- sqrt(diag(solve(as.matrix(Hr))))
sig_row <- exp(pf[bd] / 2)[as.integer(df$h)]
closed <- 1 / sqrt(1 / ml_block$estimates[["tau"]]$est^2 + tapply(1 / sig_row^2, df$r, sum))
stopifnot(length(condsd) == J, max(abs(condsd - closed) / closed) < 1e-6)
for (l in seq_len(J)) {
  k <- sprintf("u[%s]", rl[l])
  ml_block$ranef[[k]] <- list(mode = ml_block$ranef[[k]]$mode, condsd = num(closed[[l]]), sdreport_sd = ml_block$ranef[[k]]$condsd)
}
ml_block$ranef_note <- paste("condsd: conditional on the estimates (lme4's condVar convention), from TMB's random-effects Hessian at",
                             "the optimum; sdreport_sd: glmmTMB's ranef(condVar = TRUE), which adds the fixed parameters' uncertainty")
message(sprintf("[%s] glmmTMB sigma[h]: %s; tau %.3f", case,
                paste(sprintf("%.3f", exp(pf[bd] / 2)), collapse = " "), ml_block$estimates[["tau"]]$est))

stan_data <- list(N = nrow(df), y = df$y, x = df$x, K = nlevels(df$h), h = as.integer(df$h), J = nlevels(df$r), r = as.integer(df$r))
draws <- rename_draws(c(a = "a", b = "b", tau = "tau"),
                      list(sigma = sprintf("sigma[%s]", levels(df$h)), u = sprintf("u[%s]", levels(df$r))))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case,
  description = paste("Simulated heteroscedastic Gaussian model (block syntax): a residual sd per level of h (10 levels x 30 rows)",
                      "and a random intercept over r (30 levels, crossed with h); 11 hyperparameters; priors on the data's scale"),
  source = "simulated in test/battery/r/heteroscedastic_groups.R (set.seed(20240615))", rows = nrow(df), data = file,
  random_effects = nlevels(df$r),
  truth = c(truth, list(ranef = truth_re)),
  ml = ml_block,
  ml_note = paste("lme4 cannot fit a residual sd per group: glmmTMB (Laplace, exact for this Gaussian model) is the ML reference,",
                  "renamed: (Intercept) -> a, x -> b, sd[r, (Intercept)] -> tau, r[level, (Intercept)] -> u[level]"),
  stan = stan))
