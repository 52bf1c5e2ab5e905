# eight_schools_nc and eight_schools_c: Rubin's eight schools, mu ~ Normal(0, 5), tau ~ HalfCauchy(5),
# theta[school] ~ Normal(mu, tau), y ~ Normal(theta, sigma). Stan only (no likelihood tool applies: the
# sigmas are known). Both cases have the same posterior; Stan samples it once non-centred (gold run,
# eight_schools_nc/model.stan) and both reference.json files are written from that run, each with its
# model's names. eight_schools_c also gets a default (timed) run of the centred Stan model
# (eight_schools_c/model.stan), the geometry Glimmer's centred model samples, with its divergences.
# Run: Rscript test/battery/r/eight_schools_nc.R (eight_schools_c.R runs this script).
source("test/battery/r/common.R")

schools <- data.frame(school = LETTERS[1:8], y = c(28, 8, -3, 7, -1, 1, 18, 12), sigma = c(15, 10, 16, 11, 9, 11, 10, 18))
for (case in c("eight_schools_nc", "eight_schools_c")) file <- write_data(schools, case)
df <- read_back("eight_schools_nc", "school")
stopifnot(identical(levels(df$school), LETTERS[1:8]))
lv <- levels(df$school)
stan_data <- list(J = nrow(df), y = df$y, sigma = df$sigma)

# Non-centred Glimmer names: theta_raw[A], ..., and the generated theta_A, ...; the centred ones theta[A], ...
all_draws <- rename_draws(c(mu = "mu", tau = "tau"),
                          list(theta_raw = sprintf("theta_raw[%s]", lv), theta = sprintf("theta_%s", lv)))
nc <- stan_reference("eight_schools_nc", stan_data, all_draws, gold_delta = 0.95)

desc <- "Eight schools (Rubin 1981; BDA3 sec. 5.5): coaching effects with known standard errors, mu ~ Normal(0, 5), tau ~ HalfCauchy(5)"
src <- "Rubin (1981); Gelman et al., Bayesian Data Analysis (3rd ed.), sec. 5.5; models/eight_schools.csv"
write_reference("eight_schools_nc", list(
  case = "eight_schools_nc", description = paste0(desc, "; non-centred: theta = mu + tau * theta_raw, theta_raw ~ Normal(0, 1). Stan only."),
  source = src, rows = nrow(df), data = "data.csv", random_effects = nrow(df), stan = nc))

# The centred case: the gold summary of the same run under the centred names.
cen <- nc
gold <- nc$summary
cen$summary <- c(gold[c("mu", "tau")], setNames(gold[sprintf("theta_%s", lv)], sprintf("theta[%s]", lv)))
cen$model <- "../eight_schools_nc/model.stan"
cen$model_note <- paste("the gold summary is the non-centred Stan run (the same posterior on (mu, tau, theta), renamed);",
                        "default_run and samplingSeconds are the centred model.stan of this folder, as Glimmer's model is written")
cmodel <- stan_compile("eight_schools_c")
crun <- stan_run(cmodel, stan_data, adapt_delta = 0.8, seed = 1)
cdraws <- rename_draws(c(mu = "mu", tau = "tau"), list(theta = sprintf("theta[%s]", lv)))
csum <- stan_summary(glimmer_array(crun, cdraws))
message(sprintf("[eight_schools_c] Stan default run (centred): %.1f s wall, %d divergences, min bulk ESS %.0f",
                crun$wall, crun$divergences, min_ess(csum)))
cen$samplingSeconds <- list(default_run_wall = crun$wall, per_chain_warmup_plus_sampling = crun$per_chain)
cen$default_run <- list(model = "model.stan (centred)", chains = 4, warmup = 1000, draws = 1000, adapt_delta = 0.8,
                        divergences = crun$divergences, min_ess_bulk = min_ess(csum),
                        max_rhat = max(vapply(csum, function(s) s$rhat, 0)),
                        note = "4 chains x (1000 warm-up + 1000 draws), cores = 2, compile time excluded; the centred funnel: expect divergences")
write_reference("eight_schools_c", list(
  case = "eight_schools_c", description = paste0(desc, "; centred: theta ~ Normal(mu, tau), a funnel for small tau. Stan only."),
  source = src, rows = nrow(df), data = "data.csv", random_effects = nrow(df), stan = cen))
