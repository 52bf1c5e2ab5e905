# sleepstudy_nc: lme4::sleepstudy with uncorrelated intercepts and slopes written by hand (non-centred).
# References: lme4 ML and REML of Reaction ~ Days + (1 | Subject) + (0 + Days | Subject), renamed to the
# model's parameters; Stan for the posterior. The data are a copy of sleepstudy's.
source("test/battery/r/common.R")
case <- "sleepstudy_nc"

# Two terms of one grouping factor: ranef()'s postVar is then a list, which common.R's lme4_ranef does
# not read; as.data.frame() gives every (level, term) with its conditional sd either way.
lme4_ranef <- function(fit, sdcor) {
  re <- as.data.frame(ranef(fit, condVar = TRUE))
  out <- list()
  for (r in seq_len(nrow(re))) {
    out[[sprintf("%s[%s, %s]", re$grpvar[r], re$grp[r], re$term[r])]] <- list(mode = re$condval[r], condsd = re$condsd[r])
  }
  out
}

df <- read.csv(file.path(BATTERY, case, "data.csv"), stringsAsFactors = FALSE)
df$Subject <- factor(df$Subject)
form <- Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)
ml <- timed(function() lmer(form, df, REML = FALSE), n = 5)
reml <- timed(function() lmer(form, df, REML = TRUE), n = 5)
rename <- function(k) {
  map <- c("(Intercept)" = "a", Days = "b", "sd[Subject, (Intercept)]" = "sd0", "sd[Subject, Days]" = "sd1", sigma = "sigma")
  if (k %in% names(map)) map[[k]] else k
}
# The random effects: lme4 reports u; the model's latent coordinates are z = u / sd.
to_z <- function(est, ranef) {
  out <- list()
  for (k in names(ranef)) {
    m <- regmatches(k, regexec("^Subject\\[(.*), (.*)\\]$", k))[[1]]
    if (length(m) == 0) next
    s <- est[[sprintf("sd[Subject, %s]", m[3])]]$est
    z <- if (m[3] == "(Intercept)") "z0" else "z1"
    out[[sprintf("%s[%s]", z, m[2])]] <- list(mode = ranef[[k]]$mode / s, condsd = ranef[[k]]$condsd / s)
  }
  list(est = est, ranef = out)
}
lv <- levels(df$Subject)
stan_data <- list(N = nrow(df), Reaction = df$Reaction, Days = df$Days, J = nlevels(df$Subject), Subject = as.integer(df$Subject))
draws <- rename_draws(c(a = "a", b = "b", sd0 = "sd0", sd1 = "sd1", sigma = "sigma"),
                      list(z0 = sprintf("z0[%s]", lv), z1 = sprintf("z1[%s]", lv)))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case, description = "Sleep deprivation with uncorrelated random intercepts and slopes written by hand (non-centred z ~ Normal(0, 1), u = sd * z)",
  source = "lme4::sleepstudy", rows = nrow(df), data = "data.csv", random_effects = 2 * nlevels(df$Subject),
  ml = lme4_block(ml, "lmer(Reaction ~ Days + (1 | Subject) + (0 + Days | Subject), data, REML = FALSE)", sprintf("lme4::lmer %s (ML)", packageVersion("lme4")), rename, to_z),
  reml = lme4_block(reml, "lmer(Reaction ~ Days + (1 | Subject) + (0 + Days | Subject), data, REML = TRUE)", sprintf("lme4::lmer %s (REML)", packageVersion("lme4")), rename, to_z),
  stan = stan))
