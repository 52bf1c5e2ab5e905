# insteval: lme4::InstEval, y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept), Gaussian.
# References: lme4 ML and REML, glmmTMB ML, Stan (default run + a long run).
source("test/battery/r/common.R")
case <- "insteval"

raw <- lme4::InstEval
file <- write_data(data.frame(y = raw$y, service = raw$service, s = raw$s, d = raw$d, dept = raw$dept), case)
df <- read_back(case, c("service", "s", "d", "dept"))
form <- y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)

ml <- timed(function() lmer(form, df, REML = FALSE), n = 3)
message(sprintf("[%s] lme4 ML %.1f s", case, ml$seconds))
reml <- timed(function() lmer(form, df, REML = TRUE), n = 3)
message(sprintf("[%s] lme4 REML %.1f s", case, reml$seconds))
tmb <- timed(function() glmmTMB(form, df), n = 3)
message(sprintf("[%s] glmmTMB %.1f s", case, tmb$seconds))

stan_data <- list(N = nrow(df), y = df$y, service1 = as.numeric(df$service == "1"),
                  J_s = nlevels(df$s), J_d = nlevels(df$d), J_dept = nlevels(df$dept),
                  s = as.integer(df$s), d = as.integer(df$d), dept = as.integer(df$dept))
draws <- rename_draws(
  c(b_Intercept = "(Intercept)", b_service1 = "service1", sd_s = "sd[s, (Intercept)]", sd_d = "sd[d, (Intercept)]",
    sd_dept = "sd[dept, (Intercept)]", sigma = "sigma"),
  list(u_s = re_names("s", levels(df$s)), u_d = re_names("d", levels(df$d)), u_dept = re_names("dept", levels(df$dept))))
# 73,421 rows: one chain of 1000 + 1000 iterations takes ~16 min on the shared 2-core machine (~8 min
# unshared), so the "long" run is capped at 4 x (1000 warm-up + 1500 draws), about 40 min: it does not
# reach bulk ESS 10,000 for every quantity; MCSEs are in the summary.
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.8, first_draws = 1500, gold_warmup = 1000,
                       max_draws = 1500, target_ess = 10000)
stan$gold_note <- paste("capped at 4 chains x (1000 warm-up + 1500 draws) to keep the run near 40 minutes on the shared",
                        "2-core machine: min_ess_bulk is below the battery's 10,000 target; compare with the MCSEs")

write_reference(case, list(
  case = case, description = "InstEval lecture ratings: crossed random intercepts for students, lecturers and departments (Gaussian)",
  source = "lme4::InstEval", rows = nrow(df), data = file,
  random_effects = nlevels(df$s) + nlevels(df$d) + nlevels(df$dept),
  ml = lme4_block(ml, "lmer(y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept), data, REML = FALSE)", sprintf("lme4::lmer %s (ML)", packageVersion("lme4"))),
  reml = lme4_block(reml, "lmer(y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept), data, REML = TRUE)", sprintf("lme4::lmer %s (REML)", packageVersion("lme4"))),
  glmmtmb = glmmtmb_block(tmb, "glmmTMB(y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept), data)"),
  stan = stan), pretty = FALSE)
