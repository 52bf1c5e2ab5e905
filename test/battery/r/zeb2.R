# zeb2: the project's main model, models/zeb2.glmm (Poisson, one effect per cell group, a random
# intercept per patient, offset log(total_count); 68,627 rows), with data.csv.gz a symbolic link to
# models/zeb2.csv.gz. Nothing is refitted: the reference is assembled from the stored fits in
# ../shared/zeb2/ (lme4 and glmmTMB Laplace fits, their timings, the Stan gold standard for the weak
# priors beta ~ Normal(0, 10), sigma_patient ~ HalfNormal(1)), renamed to Glimmer's summary names.
source("test/battery/r/common.R")
case <- "zeb2"
SHARED <- "../shared/zeb2"
REF <- file.path(SHARED, "reference")
if (!dir.exists(REF)) stop("needs ../shared/zeb2/reference beside the project")

d <- case_dir(case)
link <- file.path(d, "data.csv.gz")
if (!file.exists(link)) file.symlink("../../../models/zeb2.csv.gz", link)
df <- read_back(case, c("cell_group", "patient_assignment"))
stopifnot(nrow(df) == 68627)
rd <- function(f) read.csv(file.path(REF, f), stringsAsFactors = FALSE)
beta <- function(g) sprintf("beta[%s]", g)
u <- function(p) sprintf("u[%s]", p)
stopifnot(identical(rd("lme4_fixed_effects.csv")$cell_group, levels(df$cell_group)),
          identical(rd("lme4_random_effects.csv")$patient_assignment, levels(df$patient_assignment)))

# The log-likelihood (Laplace, nAGQ = 1) is stored to two decimals only, in ../shared/README.md.
LOGLIK <- -34724.99
readme <- readLines(file.path(dirname(SHARED), "README.md"))
stopifnot(any(grepl("log-likelihood -34724.99 (both)", readme, fixed = TRUE)))

# Wall seconds from timings.md, by the first words of the row (cells split at | not escaped as \|).
timings <- readLines(file.path(REF, "timings.md"))
seconds_of <- function(start) {
  row <- timings[startsWith(timings, paste("|", start))]
  stopifnot(length(row) == 1)
  as.numeric(sub(" .*", "", trimws(strsplit(row, "(?<!\\\\)\\|", perl = TRUE)[[1]][3])))
}
secs_lme4 <- seconds_of("lme4 `glmer(ZEB2 ~ 0")
secs_tmb <- seconds_of("glmmTMB, same formula")
secs_stan_rows <- seconds_of("Stan NUTS, one row per cell")
secs_stan_sums <- seconds_of("Stan NUTS on per-(cell group, patient) sums")
secs_nagq10 <- seconds_of("lme4 `glmer(..., nAGQ = 10)`")

fixed_est <- function(tab) {
  out <- list()
  for (i in seq_len(nrow(tab))) out[[beta(tab$cell_group[i])]] <- list(est = tab$mean[i], se = tab$std[i])
  out
}
ranef_est <- function(tab) {
  out <- list()
  for (i in seq_len(nrow(tab))) out[[u(tab$patient_assignment[i])]] <- list(mode = tab$mean[i], condsd = tab$std[i])
  out
}
formula_call <- "glmer(ZEB2 ~ 0 + cell_group + offset(log(total_count)) + (1 | patient_assignment), data, family = poisson)"

vc <- rd("lme4_varcorr.csv")
ml_est <- fixed_est(rd("lme4_fixed_effects.csv"))
ml_est[["sigma_patient"]] <- list(est = vc$sdcor[1], se = NA_real_)
ml <- list(tool = "lme4::glmer 1.1.31 (Laplace, nAGQ = 1)", call = formula_call, estimates = ml_est,
           se_note = paste("fixed effects: the stored SEs (sqrt(diag(vcov(fit)))); sigma_patient: no SE stored (null: not compared,",
                           "the fit is not singular); from ../shared/zeb2/reference/lme4_*.csv, not refitted"),
           logLik = LOGLIK, logLik_note = "the log-likelihood (Laplace), stored to 2 decimals (../shared/README.md)",
           singular = FALSE, ranef = ranef_est(rd("lme4_random_effects.csv")), seconds = secs_lme4, all_seconds = list(secs_lme4),
           seconds_note = "../shared/zeb2/reference/timings.md (R 4.2.2, lme4 1.1-31, the project's 2-core machine); machines of one kind differ by up to 2x",
           warnings = list())

tmb <- list(tool = "glmmTMB 1.1.5 (Laplace)",
            call = "glmmTMB(ZEB2 ~ 0 + cell_group + offset(log(total_count)) + (1 | patient_assignment), data, family = poisson)",
            estimates = fixed_est(rd("glmmtmb_fixed_effects.csv")),
            se_note = "fixed effects only (../shared/zeb2/reference/glmmtmb_fixed_effects.csv, not refitted): no sd or random effects stored",
            logLik = LOGLIK, logLik_note = "the same as lme4's to 2 decimals (../shared/README.md)", singular = FALSE,
            seconds = secs_tmb, all_seconds = list(secs_tmb), seconds_note = "../shared/zeb2/reference/timings.md", warnings = list())

vc10 <- rd("lme4_nagq10_varcorr.csv")
nagq10_est <- fixed_est(rd("lme4_nagq10_fixed_effects.csv"))
nagq10_est[["sigma_patient"]] <- list(est = vc10$sdcor[1], se = NA_real_)
nagq10 <- list(tool = "lme4::glmer 1.1.31 (adaptive Gauss-Hermite quadrature, nAGQ = 10)",
               call = sub("family = poisson)", "family = poisson, nAGQ = 10)", formula_call, fixed = TRUE),
               estimates = nagq10_est, logLik = NA_real_,
               logLik_note = sprintf("lme4 reports nAGQ > 1 log-likelihoods on another scale (%.2f): not comparable with the Laplace value", vc10$logLik[1]),
               singular = FALSE, ranef = ranef_est(rd("lme4_nagq10_random_effects.csv")), seconds = secs_nagq10,
               seconds_note = "timings.md: measured on another machine of this kind, where nAGQ = 1 took 138 s")

gold <- rd("weak/stan_nuts_summary.csv")
summ <- list()
for (i in seq_len(nrow(gold))) {
  r <- gold[i, ]
  summ[[r$name]] <- list(mean = r$mean, sd = r$sd, q2.5 = r$q2.5, q50 = r$q50, q97.5 = r$q97.5, rhat = r$rhat,
                         ess_bulk = r$ess_bulk, ess_tail = r$ess_tail, mcse_mean = r$mcse_mean)
}
stopifnot(setequal(names(summ), c(beta(levels(df$cell_group)), u(levels(df$patient_assignment)), "sigma_patient")))
rw <- rd("weak/stan_nuts_rowwise_summary.csv")
rowwise <- list()
for (i in seq_len(nrow(rw))) rowwise[[rw$name[i]]] <- list(mean = rw$mean[i], sd = rw$sd[i], q2.5 = rw$q2.5[i], q50 = rw$q50[i], q97.5 = rw$q97.5[i], n_eff = rw$n_eff[i], rhat = rw$rhat[i])
stan <- list(model = NULL, tool = "rstan 2.21.7 (Stan 2.21.0), NUTS, on the per-(cell group, patient) sums (160 rows, the same posterior)",
             chains = 4, warmup = NA_real_, draws = 25000, adapt_delta = NA_real_, max_treedepth = NA_real_, seed = NA_real_,
             summary = summ, min_ess_bulk = min(gold$ess_bulk), max_rhat = max(gold$rhat), divergences = NA_real_, treedepth_hits = NA_real_,
             note = paste("from ../shared/zeb2/reference/weak/stan_nuts_summary.csv (not rerun; no Stan file, warm-up, seed or divergence count stored).",
                          "Priors of models/zeb2.glmm: beta ~ Normal(0, 10), sigma_patient ~ HalfNormal(1), u ~ Normal(0, sigma_patient).",
                          "The generated lfc_T_R is not in the stored summary."),
             samplingSeconds = list(default_run_wall = secs_stan_rows, aggregated_default_run_wall = secs_stan_sums),
             default_run = list(chains = 4, warmup = 1000, draws = 1000,
                                note = paste("timings.md: Stan NUTS on the 68,627 rows, 4 chains x (1000 warm-up + 1000 draws), 2 chains at a time,",
                                             "compile time excluded; aggregated_default_run_wall: the same on the 160 per-(cell group, patient) sums")),
             rowwise_summary = rowwise,
             rowwise_note = "weak/stan_nuts_rowwise_summary.csv: Stan NUTS on the 68,627 rows, 4 x 1000 draws (agrees with the gold standard within 0.05 sd)")

truth_json <- jsonlite::fromJSON(file.path(SHARED, "truth.json"))
truth <- c(setNames(as.list(unlist(truth_json$beta)), beta(names(truth_json$beta))),
           list(sigma_patient = truth_json$sigma_patient),
           list(ranef = setNames(as.list(unlist(truth_json$u)), u(names(truth_json$u)))),
           list(seed = truth_json$seed))

write_reference(case, list(
  case = case,
  description = "ZEB2 expression in 68,627 single cells: Poisson GLMM, one effect per cell group (20), a random intercept per patient (16), offset log(total_count); weak priors",
  source = "models/zeb2.csv.gz = ../shared/zeb2/zeb2_sim.csv (simulated, seed 20201226, from the published lme4 fit); references assembled from ../shared/zeb2/reference/ (not refitted)",
  rows = nrow(df), data = "data.csv.gz", data_note = "a symbolic link to ../../../models/zeb2.csv.gz",
  random_effects = nlevels(df$patient_assignment),
  truth = truth,
  ml = ml, glmmtmb = tmb, ml_nagq10 = nagq10, stan = stan))
