# sleepstudy: lme4::sleepstudy, Reaction ~ gaussian(1 + Days + (1 + Days | Subject)), priors on the data's scale.
# References: lme4 ML and REML (lmer's default), glmmTMB ML, Stan.
source("test/battery/r/common.R")
case <- "sleepstudy"

file <- write_data(lme4::sleepstudy[, c("Reaction", "Days", "Subject")], case)
df <- read_back(case, "Subject")
form <- Reaction ~ 1 + Days + (1 + Days | Subject)
ml <- timed(function() lmer(form, df, REML = FALSE), n = 5)
reml <- timed(function() lmer(form, df, REML = TRUE), n = 5)
tmb <- timed(function() glmmTMB(form, df), n = 5)

stan_data <- list(N = nrow(df), Reaction = df$Reaction, Days = df$Days, J = nlevels(df$Subject), Subject = as.integer(df$Subject))
lv <- levels(df$Subject)
draws <- rename_draws(
  c(b_Intercept = "(Intercept)", b_Days = "Days", sd_Intercept = "sd[Subject, (Intercept)]", sd_Days = "sd[Subject, Days]",
    cor = "cor[Subject, (Intercept), Days]", sigma = "sigma"),
  list(z_Intercept = re_names("Subject", lv, "(Intercept)", "z:"), z_Days = re_names("Subject", lv, "Days", "z:"),
       u_Intercept = re_names("Subject", lv, "(Intercept)"), u_Days = re_names("Subject", lv, "Days")))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case, description = "Sleep deprivation: correlated random intercepts and slopes per subject (Gaussian), priors on the data's scale",
  source = "lme4::sleepstudy", rows = nrow(df), data = file, random_effects = 2 * nlevels(df$Subject),
  ml = lme4_block(ml, "lmer(Reaction ~ 1 + Days + (1 + Days | Subject), data, REML = FALSE)", sprintf("lme4::lmer %s (ML)", packageVersion("lme4"))),
  reml = lme4_block(reml, "lmer(Reaction ~ 1 + Days + (1 + Days | Subject), data)", sprintf("lme4::lmer %s (REML, the default)", packageVersion("lme4"))),
  glmmtmb = glmmtmb_block(tmb, "glmmTMB(Reaction ~ 1 + Days + (1 + Days | Subject), data)"),
  stan = stan))
