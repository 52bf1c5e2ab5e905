# grouseticks: lme4::grouseticks, TICKS ~ poisson(1 + YEAR + sHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)),
# sHEIGHT = HEIGHT standardised (mean 0, sd 1) so that Glimmer's default priors suit it.
# References: lme4 ML (glmer, Laplace), glmmTMB ML, Stan. Timed n = 5 (the ML timing acceptance case).
source("test/battery/r/common.R")
case <- "grouseticks"

raw <- lme4::grouseticks
# 17 significant digits: the CSV holds exactly the doubles R used.
sH <- (raw$HEIGHT - mean(raw$HEIGHT)) / sd(raw$HEIGHT)
file <- write_data(data.frame(TICKS = raw$TICKS, YEAR = as.character(raw$YEAR), HEIGHT = raw$HEIGHT,
                              sHEIGHT = sprintf("%.17g", sH), BROOD = as.character(raw$BROOD),
                              INDEX = as.character(raw$INDEX), LOCATION = as.character(raw$LOCATION)), case)
df <- read_back(case, c("YEAR", "BROOD", "INDEX", "LOCATION"))
stopifnot(all(df$sHEIGHT == sH), all(levels(df$YEAR) == c("95", "96", "97")))
form <- TICKS ~ 1 + YEAR + sHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)
ml <- timed(function() glmer(form, df, family = poisson), n = 5)
message(sprintf("[%s] lme4 ML %.2f s, logLik %.4f", case, ml$seconds, logLik(ml$fit)))
tmb <- timed(function() glmmTMB(form, df, family = poisson), n = 5)
message(sprintf("[%s] glmmTMB %.2f s, logLik %.4f", case, tmb$seconds, logLik(tmb$fit)))

stan_data <- list(N = nrow(df), TICKS = df$TICKS,
                  YEAR96 = as.numeric(df$YEAR == "96"), YEAR97 = as.numeric(df$YEAR == "97"), sHEIGHT = df$sHEIGHT,
                  J_BROOD = nlevels(df$BROOD), J_INDEX = nlevels(df$INDEX), J_LOCATION = nlevels(df$LOCATION),
                  BROOD = as.integer(df$BROOD), INDEX = as.integer(df$INDEX), LOCATION = as.integer(df$LOCATION))
draws <- rename_draws(
  c(b_Intercept = "(Intercept)", b_YEAR96 = "YEAR96", b_YEAR97 = "YEAR97", b_sHEIGHT = "sHEIGHT",
    sd_BROOD = "sd[BROOD, (Intercept)]", sd_INDEX = "sd[INDEX, (Intercept)]", sd_LOCATION = "sd[LOCATION, (Intercept)]"),
  list(u_BROOD = re_names("BROOD", levels(df$BROOD)), u_INDEX = re_names("INDEX", levels(df$INDEX)),
       u_LOCATION = re_names("LOCATION", levels(df$LOCATION))))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

call <- "TICKS ~ 1 + YEAR + sHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION), data, family = poisson"
write_reference(case, list(
  case = case,
  description = paste("Ticks on red grouse chicks: Poisson GLMM with random intercepts for brood, location and chick",
                      "(INDEX, an observation-level effect for overdispersion); HEIGHT standardised as sHEIGHT",
                      sprintf("= (HEIGHT - %.4f) / %.4f so the default priors fit", mean(raw$HEIGHT), sd(raw$HEIGHT))),
  source = "lme4::grouseticks", rows = nrow(df), data = file,
  random_effects = nlevels(df$BROOD) + nlevels(df$INDEX) + nlevels(df$LOCATION),
  ml = lme4_block(ml, paste0("glmer(", call, ")"), sprintf("lme4::glmer %s (Laplace, nAGQ = 1)", packageVersion("lme4"))),
  glmmtmb = glmmtmb_block(tmb, paste0("glmmTMB(", call, ")")),
  stan = stan))
