# Stan's sampling times for the small-model benchmark (bench/stan_small/stan_timings.csv), compile
# time excluded:   Rscript bench/stan_small/time_stan.R [reps] [glimmer]
# Each model: 4 chains x (1000 warm-up + 1000 draws), default adapt_delta (0.8), max tree depth 10,
# refresh = 0 (no progress printing), with cores = 1 and cores = 2, `reps` times each (default 5),
# alternating the two settings so that a colleague's job on this shared 2-core machine disturbs both
# alike. Per run it records each chain's warm-up and sampling seconds (get_elapsed_time: Stan's own
# clock inside the chain) and the wall time of the sampling() call (R's set-up of the chains, with
# cores = 2 the start of the worker processes, and the stanfit object it returns), plus the 1-minute
# load average before the run. stan_summary.csv keeps every parameter's mean and sd from the last run,
# to check Glimmer's posterior against. With `glimmer` (after `npm run build`), each rep also times
# `node bin/ppl.js infer MODEL --engine nuts` right after Stan's runs, so that both see the same
# competition for the CPU: side_by_side.csv.
suppressPackageStartupMessages(library(rstan))
# Debian's r-cran-bh keeps Boost in /usr/include, not in the R package, and rstan looks for it there
# ("Boost not found"): point an overlay copy of the package at the system headers.
if (system.file("include", package = "BH") == "" && dir.exists("/usr/include/boost")) {
  overlay <- file.path(tempdir(), "rlib")
  dir.create(overlay)
  file.copy(find.package("BH"), overlay, recursive = TRUE)
  file.symlink("/usr/include", file.path(overlay, "BH", "include"))
  .libPaths(c(overlay, .libPaths()))
}
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) > 0) as.integer(args[1]) else 5L
with_glimmer <- length(args) > 1 && args[2] == "glimmer"
here <- "bench/stan_small"
models <- "bench/models"

es <- read.csv("models/eight_schools.csv")
es_data <- list(J = nrow(es), y = es$y, sigma = es$sigma)
py <- read.csv(file.path(models, "poisson_years.csv"))
py_data <- list(N = nrow(py), count = py$count, J = nrow(py), year = match(py$year, sort(unique(py$year))), t = py$t)
cb <- read.csv(file.path(models, "cbpp.csv"))
# Levels in order of first appearance, as Glimmer reads a factor column (1..15 and 1..4 here).
herd_levels <- unique(as.character(cb$herd))
period_levels <- unique(as.character(cb$period))
cb_data <- list(N = nrow(cb), incidence = cb$incidence, trials = cb$size,
                P = length(period_levels), period = match(as.character(cb$period), period_levels),
                H = length(herd_levels), herd = match(as.character(cb$herd), herd_levels))

runs <- list(
  list(name = "eight_schools_nc", glmm = "models/eight_schools_nc.glmm", data = es_data),
  list(name = "eight_schools", glmm = "models/eight_schools.glmm", data = es_data),
  list(name = "poisson_years", glmm = "bench/models/poisson_years.glmm", data = py_data),
  list(name = "cbpp", glmm = "bench/models/cbpp.glmm", data = cb_data)
)

load1 <- function() as.numeric(strsplit(readLines("/proc/loadavg"), " ")[[1]][1])
rows <- list()
side <- list()
summaries <- list()
compile_s <- c()
for (r in runs) {
  t_compile <- system.time(sm <- stan_model(file.path(here, paste0(r$name, ".stan")), model_name = r$name))[["elapsed"]]
  compile_s[r$name] <- t_compile
  for (rep in seq_len(reps)) {
    for (cores in c(1L, 2L)) {
      load <- load1()
      wall <- system.time(fit <- sampling(sm, data = r$data, chains = 4, iter = 2000, warmup = 1000, cores = cores,
                                          seed = rep, refresh = 0))[["elapsed"]]
      el <- get_elapsed_time(fit)
      for (ch in seq_len(nrow(el))) {
        rows[[length(rows) + 1]] <- data.frame(model = r$name, glmm = r$glmm, cores = cores, rep = rep, load1 = load,
                                               wall_s = wall, chain = ch, warmup_s = el[ch, "warmup"], sampling_s = el[ch, "sample"])
      }
      cat(sprintf("%s cores=%d rep=%d: wall %.3f s, chains %.3f s (load %.2f)\n", r$name, cores, rep, wall, sum(el), load))
      side[[length(side) + 1]] <- data.frame(model = r$name, tool = sprintf("stan cores=%d", cores), rep = rep, load1 = load,
                                             wall_s = wall, chains_s = sum(el))
    }
    if (with_glimmer) {
      load <- load1()
      wall <- system.time(status <- system2("node", c("bin/ppl.js", "infer", r$glmm, "--engine", "nuts"), stdout = FALSE, stderr = FALSE))[["elapsed"]]
      if (status != 0) stop(sprintf("ppl infer %s failed", r$glmm))
      cat(sprintf("%s glimmer rep=%d: wall %.3f s (load %.2f)\n", r$name, rep, wall, load))
      side[[length(side) + 1]] <- data.frame(model = r$name, tool = "glimmer", rep = rep, load1 = load, wall_s = wall, chains_s = NA)
    }
  }
  s <- summary(fit)$summary
  summaries[[r$name]] <- data.frame(model = r$name, name = rownames(s), mean = s[, "mean"], sd = s[, "sd"], rhat = s[, "Rhat"])
}
write.csv(do.call(rbind, rows), file.path(here, "stan_timings.csv"), row.names = FALSE)
write.csv(do.call(rbind, summaries), file.path(here, "stan_summary.csv"), row.names = FALSE)
if (with_glimmer) write.csv(do.call(rbind, side), file.path(here, "side_by_side.csv"), row.names = FALSE)
writeLines(c(
  sprintf("date: %s", format(Sys.time(), "%Y-%m-%d %H:%M %Z")),
  sprintf("R: %s", R.version.string),
  sprintf("rstan: %s", as.character(packageVersion("rstan"))),
  sprintf("cpu: %s", sub(".*: ", "", grep("^model name", readLines("/proc/cpuinfo"), value = TRUE)[1])),
  sprintf("cores: %d", parallel::detectCores()),
  sprintf("compile_s %s: %.1f", names(compile_s), compile_s)
), file.path(here, "stan_machine.txt"))
