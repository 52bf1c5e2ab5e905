# cbpp: lme4::cbpp, incidence ~ binomial(trials = size, 1 + period + (1 | herd)).
source("test/battery/r/common.R")
case <- "cbpp"

file <- write_data(lme4::cbpp[, c("herd", "incidence", "size", "period")], case)
df <- read_back(case, c("herd", "period"))
ml <- timed(function() glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), df, family = binomial), n = 5)
tmb <- timed(function() glmmTMB(cbind(incidence, size - incidence) ~ period + (1 | herd), df, family = binomial), n = 5)

stan_data <- list(N = nrow(df), incidence = df$incidence, trials = df$size,
                  period2 = as.numeric(df$period == "2"), period3 = as.numeric(df$period == "3"), period4 = as.numeric(df$period == "4"),
                  J = nlevels(df$herd), herd = as.integer(df$herd))
draws <- rename_draws(
  c(b_Intercept = "(Intercept)", b_period2 = "period2", b_period3 = "period3", b_period4 = "period4", sd_herd = "sd[herd, (Intercept)]"),
  list(u = re_names("herd", levels(df$herd))))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case, description = "CBPP incidence in 15 herds over 4 periods: binomial GLMM with a random intercept per herd",
  source = "lme4::cbpp", rows = nrow(df), data = file, random_effects = nlevels(df$herd),
  ml = lme4_block(ml, "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data, family = binomial)", sprintf("lme4::glmer %s (Laplace, nAGQ = 1)", packageVersion("lme4"))),
  glmmtmb = glmmtmb_block(tmb, "glmmTMB(cbind(incidence, size - incidence) ~ period + (1 | herd), data, family = binomial)"),
  stan = stan))
