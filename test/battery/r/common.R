# Shared helpers for the battery's reference scripts (test/battery/r/<case>.R).
# Run every script from the project root: Rscript test/battery/r/<case>.R
#
# Each case script: makes (or copies) its data, writes it to test/battery/<case>/, reads it back as
# Glimmer will (factor levels in R's order), fits lme4 / glmmTMB / glm where they apply and Stan for
# the posterior, and writes test/battery/<case>/reference.json with Glimmer's summary names as keys.

suppressPackageStartupMessages({
  library(lme4)
  library(glmmTMB)
  library(rstan)
  library(jsonlite)
  library(numDeriv)
})

BATTERY <- "test/battery"
if (!dir.exists(BATTERY)) stop("run from the project root: Rscript test/battery/r/<case>.R")

versions <- function() {
  list(R = R.version.string, lme4 = as.character(packageVersion("lme4")),
       glmmTMB = as.character(packageVersion("glmmTMB")), rstan = as.character(packageVersion("rstan")),
       stan = rstan::stan_version(), platform = R.version$platform)
}

case_dir <- function(case) {
  d <- file.path(BATTERY, case)
  dir.create(d, showWarnings = FALSE, recursive = TRUE)
  d
}

# Writes the data as data.csv, or data.csv.gz (gzip -9 -n: reproducible bytes) when over ~200 KB.
# Returns the file name relative to the case folder.
write_data <- function(df, case) {
  d <- case_dir(case)
  csv <- file.path(d, "data.csv")
  write.csv(df, csv, row.names = FALSE, quote = FALSE)
  unlink(file.path(d, "data.csv.gz"))
  if (file.size(csv) > 200 * 1024) {
    system2("gzip", c("-9", "-n", "-f", shQuote(csv)))
    return("data.csv.gz")
  }
  "data.csv"
}

# Reads the data back exactly as Glimmer will see it; `factors` are made factors with R's default
# level order, which is the order Glimmer gives them (src/data/levels.ts).
read_back <- function(case, factors = character()) {
  d <- case_dir(case)
  f <- if (file.exists(file.path(d, "data.csv.gz"))) file.path(d, "data.csv.gz") else file.path(d, "data.csv")
  df <- read.csv(f, stringsAsFactors = FALSE)
  for (v in factors) df[[v]] <- factor(df[[v]])
  df
}

# Runs fit() n times; the fit-only wall time is the median. Warnings of the last run are collected.
timed <- function(fit, n = 3) {
  secs <- numeric(n)
  res <- NULL
  warns <- character()
  for (i in seq_len(n)) {
    warns <- character()
    t0 <- proc.time()[["elapsed"]]
    res <- withCallingHandlers(fit(), warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
    secs[i] <- proc.time()[["elapsed"]] - t0
  }
  list(fit = res, seconds = median(secs), all_seconds = secs, warnings = unique(warns))
}

num <- function(x) if (is.null(x) || length(x) == 0 || !is.finite(x)) NA_real_ else unname(as.numeric(x))

# ---- lme4 ------------------------------------------------------------------------------------------

# theta (lme4's relative Cholesky factors, group by group) -> sds and correlations on the data scale.
# cnms: getME(fit, "cnms"); s: the residual sd for lmer (1 for glmer).
theta_to_sdcor <- function(theta, cnms, s = 1) {
  out <- c()
  i <- 0
  for (g in seq_along(cnms)) {
    k <- length(cnms[[g]])
    L <- matrix(0, k, k)
    nt <- k * (k + 1) / 2
    L[lower.tri(L, diag = TRUE)] <- theta[i + seq_len(nt)]
    i <- i + nt
    S <- L %*% t(L) * s^2
    sds <- sqrt(diag(S))
    gname <- sub("\\.[0-9]+$", "", names(cnms)[g])
    out[sprintf("sd[%s, %s]", gname, cnms[[g]])] <- sds
    if (k == 2) out[sprintf("cor[%s, %s, %s]", gname, cnms[[g]][1], cnms[[g]][2])] <- S[1, 2] / (sds[1] * sds[2])
    if (k > 2) stop("more than 2 correlated terms: not in the battery")
  }
  out
}

# Standard errors of the sds, correlations (and sigma) by the delta method from the Hessian of lme4's
# own objective (deviance = -2 log-likelihood, or the REML criterion): for glmer, the Laplace deviance
# as a function of (theta, beta) (update(fit, devFunOnly = TRUE), as lme4 uses for vcov); for lmer,
# the deviance as a function of (theta, sigma), profiled over beta (the profiled Hessian inverts to the
# (theta, sigma) block of the full inverse information). NA at a singular fit (a boundary).
lme4_varcor_se <- function(fit) {
  cnms <- getME(fit, "cnms")
  theta <- getME(fit, "theta")
  nth <- length(theta)
  dd <- update(fit, devFunOnly = TRUE)
  if (isLMM(fit)) {
    n <- nobs(fit)
    p <- length(fixef(fit))
    reml <- isREML(fit)
    env <- environment(dd)
    full <- function(par) {
      prof <- dd(par[seq_len(nth)])
      ld <- env$pp$ldL2() + if (reml) env$pp$ldRX2() else 0
      m <- if (reml) n - p else n
      pwrss <- m * exp((prof - ld) / m - 1) / (2 * pi)
      s <- par[nth + 1]
      ld + pwrss / s^2 + m * log(2 * pi * s^2)
    }
    par <- c(theta, sigma(fit))
    map <- function(par) c(theta_to_sdcor(par[seq_len(nth)], cnms, par[nth + 1]), sigma = par[nth + 1])
    obj <- full
  } else {
    par <- c(theta, fixef(fit))
    map <- function(par) theta_to_sdcor(par[seq_len(nth)], cnms, 1)
    obj <- dd
  }
  est <- map(par)
  se <- setNames(rep(NA_real_, length(est)), names(est))
  if (!isSingular(fit)) {
    H <- numDeriv::hessian(obj, par)
    V <- tryCatch(solve(H / 2), error = function(e) NULL)
    if (!is.null(V) && all(diag(V) > 0)) {
      J <- numDeriv::jacobian(map, par)
      se <- setNames(sqrt(pmax(diag(J %*% V %*% t(J)), 0)), names(est))
    }
  }
  if (isLMM(fit)) dd(theta) # leave the fit's environment at the estimate
  list(est = est, se = se)
}

# lme4's conditional modes and conditional sds, named g[level, term]; for correlated pairs also the
# standardised effects Glimmer samples, z:g[level, term], with u = diag(sd) L z (L the Cholesky factor
# of the 2x2 correlation matrix), so z1 = u1 / sd1 and z2 = (u2 / sd2 - r z1) / sqrt(1 - r^2).
lme4_ranef <- function(fit, sdcor) {
  re <- ranef(fit, condVar = TRUE)
  out <- list()
  for (g in names(re)) {
    gname <- sub("\\.[0-9]+$", "", g)
    m <- re[[g]]
    pv <- attr(m, "postVar")
    terms <- colnames(m)
    levels <- rownames(m)
    for (j in seq_along(terms)) {
      for (i in seq_along(levels)) {
        out[[sprintf("%s[%s, %s]", gname, levels[i], terms[j])]] <- list(mode = m[i, j], condsd = sqrt(pv[j, j, i]))
      }
    }
    if (length(terms) == 2) {
      sd1 <- sdcor[[sprintf("sd[%s, %s]", gname, terms[1])]]
      sd2 <- sdcor[[sprintf("sd[%s, %s]", gname, terms[2])]]
      r <- sdcor[[sprintf("cor[%s, %s, %s]", gname, terms[1], terms[2])]]
      A <- matrix(c(1 / sd1, 0, -r / (sd1 * sqrt(1 - r^2)), 1 / (sd2 * sqrt(1 - r^2))), 2, 2, byrow = TRUE)
      for (i in seq_along(levels)) {
        z <- A %*% as.numeric(m[i, ])
        C <- A %*% pv[, , i] %*% t(A)
        for (j in 1:2) {
          out[[sprintf("z:%s[%s, %s]", gname, levels[i], terms[j])]] <- list(mode = z[j], condsd = sqrt(C[j, j]))
        }
      }
    }
  }
  out
}

# A fitted lme4 model -> the reference block. rename: Glimmer's names for a hand-written model (a
# function of lme4-style names, identity for formula models).
lme4_block <- function(timing, call, tool, rename = identity, transform = NULL) {
  fit <- timing$fit
  fe <- fixef(fit)
  fse <- sqrt(diag(as.matrix(vcov(fit))))
  vc <- lme4_varcor_se(fit)
  est <- list()
  for (k in names(fe)) est[[k]] <- list(est = num(fe[[k]]), se = num(fse[[k]]))
  for (k in names(vc$est)) est[[k]] <- list(est = num(vc$est[[k]]), se = num(vc$se[[k]]))
  ranef <- lme4_ranef(fit, vc$est)
  if (!is.null(transform)) {
    t <- transform(est, ranef)
    est <- t$est
    ranef <- t$ranef
  }
  names(est) <- vapply(names(est), rename, "")
  names(ranef) <- vapply(names(ranef), rename, "")
  list(tool = tool, call = call, estimates = est,
       se_note = paste("fixed effects: sqrt(diag(vcov(fit))); sds, correlations and sigma: delta method from the",
                       "numerical Hessian (numDeriv) of lme4's objective (glmer: Laplace deviance in (theta, beta);",
                       "lmer: deviance or REML criterion in (theta, sigma), profiled over beta); null when singular"),
       logLik = num(logLik(fit)), logLik_note = if (isLMM(fit) && isREML(fit)) "the REML log-likelihood (-REMLcrit/2)" else "the log-likelihood (Laplace for glmer)",
       singular = isSingular(fit), ranef = ranef, seconds = timing$seconds, all_seconds = timing$all_seconds,
       warnings = as.list(timing$warnings))
}

# ---- glmmTMB ---------------------------------------------------------------------------------------

# glmmTMB's fit -> the same shape. Its sdreport gives standard errors of the log-sds (theta) and of
# its correlation parameter t (cor = t / sqrt(1 + t^2)), and of log(sigma) or log(phi) (betad): `se` is
# the delta-method SE on the reported scale (sd * se(log sd) etc.), `se_link` the SE it reported.
glmmtmb_block <- function(timing, call, rename = identity) {
  fit <- timing$fit
  fe <- fixef(fit)$cond
  fse <- sqrt(diag(vcov(fit)$cond))
  est <- list()
  for (k in names(fe)) est[[k]] <- list(est = num(fe[[k]]), se = num(fse[[k]]))
  sdr <- fit$sdr
  pf <- sdr$par.fixed
  cov <- sdr$cov.fixed
  th_idx <- which(names(pf) == "theta")
  th <- pf[th_idx]
  th_se <- sqrt(diag(cov)[th_idx])
  vc <- VarCorr(fit)$cond
  i <- 0
  for (g in names(vc)) {
    gname <- sub("\\.[0-9]+$", "", g)
    terms <- colnames(vc[[g]])
    sds <- attr(vc[[g]], "stddev")
    for (j in seq_along(terms)) {
      i <- i + 1
      est[[sprintf("sd[%s, %s]", gname, terms[j])]] <- list(est = num(sds[[j]]), se = num(sds[[j]] * th_se[i]), se_link = num(th_se[i]), link = "log")
    }
    if (length(terms) == 2) {
      i <- i + 1
      r <- attr(vc[[g]], "correlation")[1, 2]
      t <- th[i]
      est[[sprintf("cor[%s, %s, %s]", gname, terms[1], terms[2])]] <- list(est = num(r), se = num(th_se[i] * (1 + t^2)^(-1.5)), se_link = num(th_se[i]), link = "t / sqrt(1 + t^2)")
    }
  }
  fam <- family(fit)$family
  bd <- which(names(pf) == "betad")
  if (length(bd) == 1) {
    disp <- sigma(fit)
    key <- if (fam == "gaussian") "sigma" else "phi"
    # glmmTMB 1.1.5's betad is log(sigma^2) for gaussian and log(phi) for nbinom2 (checked against sigma(fit))
    half <- fam == "gaussian"
    stopifnot(abs(exp(pf[bd] * if (half) 0.5 else 1) - disp) < 1e-6 * disp)
    se_link <- sqrt(cov[bd, bd])
    est[[key]] <- list(est = num(disp), se = num(disp * se_link * if (half) 0.5 else 1), se_link = num(se_link),
                       link = if (half) "log(sigma^2)" else "log")
  }
  names(est) <- vapply(names(est), rename, "")
  re <- ranef(fit, condVar = TRUE)$cond
  ranef <- list()
  for (g in names(re)) {
    gname <- sub("\\.[0-9]+$", "", g)
    m <- re[[g]]
    pv <- attr(m, "condVar")
    for (j in seq_along(colnames(m))) for (l in seq_len(nrow(m))) {
      v <- if (is.null(dim(pv)) || length(dim(pv)) == 2) pv[l] else pv[j, j, l]
      if (length(dim(pv)) == 2) v <- pv[l, 1]
      ranef[[rename(sprintf("%s[%s, %s]", gname, rownames(m)[l], colnames(m)[j]))]] <- list(mode = m[l, j], condsd = sqrt(v))
    }
  }
  list(tool = sprintf("glmmTMB %s (Laplace)", packageVersion("glmmTMB")), call = call, estimates = est,
       se_note = "fixed effects: vcov(fit); sds, correlation, sigma/phi: delta method from glmmTMB's sdreport SEs on its link scale (se_link, link)",
       logLik = num(logLik(fit)), singular = !isTRUE(fit$sdr$pdHess), pdHess = isTRUE(fit$sdr$pdHess),
       ranef = ranef, seconds = timing$seconds, all_seconds = timing$all_seconds, warnings = as.list(timing$warnings))
}

# ---- glm (no random effects) ------------------------------------------------------------------------

glm_block <- function(timing, call, rename = identity) {
  fit <- timing$fit
  co <- summary(fit)$coefficients
  est <- list()
  for (k in rownames(co)) est[[rename(k)]] <- list(est = num(co[k, 1]), se = num(co[k, 2]))
  list(tool = sprintf("stats::glm (R %s.%s)", R.version$major, R.version$minor), call = call, estimates = est,
       logLik = num(logLik(fit)), converged = fit$converged, singular = FALSE,
       seconds = timing$seconds, all_seconds = timing$all_seconds, warnings = as.list(timing$warnings))
}

# ---- Stan ------------------------------------------------------------------------------------------

STAN_CACHE <- file.path(Sys.getenv("HOME"), ".cache", "glimmer-battery")

# Compiles the case's model.stan (cached outside the project by rstan's auto_write).
stan_compile <- function(case) {
  dir.create(STAN_CACHE, showWarnings = FALSE, recursive = TRUE)
  src <- file.path(case_dir(case), "model.stan")
  cached <- file.path(STAN_CACHE, paste0(case, ".stan"))
  if (!file.exists(cached) || !identical(readLines(cached), readLines(src))) file.copy(src, cached, overwrite = TRUE)
  rstan_options(auto_write = TRUE)
  # Debian's r-cran-bh is an empty shell around the system Boost: point rstan at /usr/include.
  if (!nzchar(rstan_options("boost_lib")) && dir.exists("/usr/include/boost")) rstan_options(boost_lib = "/usr/include")
  stan_model(cached, model_name = case)
}

stan_run <- function(model, data, chains = 4, warmup = 1000, draws = 1000, adapt_delta = 0.8, seed = 1, max_treedepth = 10, init = "random") {
  t0 <- proc.time()[["elapsed"]]
  fit <- sampling(model, data = data, chains = chains, warmup = warmup, iter = warmup + draws, cores = 2,
                  seed = seed, refresh = 0, init = init,
                  control = list(adapt_delta = adapt_delta, max_treedepth = max_treedepth))
  wall <- proc.time()[["elapsed"]] - t0
  et <- get_elapsed_time(fit)
  sp <- get_sampler_params(fit, inc_warmup = FALSE)
  list(fit = fit, wall = wall, per_chain = unname(et[, "warmup"] + et[, "sample"]),
       divergences = sum(vapply(sp, function(s) sum(s[, "divergent__"]), 0)),
       treedepth_hits = sum(vapply(sp, function(s) sum(s[, "treedepth__"] >= max_treedepth), 0)),
       chains = chains, warmup = warmup, draws = draws, adapt_delta = adapt_delta, seed = seed)
}

# Draws as iterations x chains x quantities, renamed to Glimmer's names by glimmer_draws(mat), a case
# function of the named draws matrix (one chain's draws) returning a matrix with Glimmer's column names.
glimmer_array <- function(run, glimmer_draws) {
  arr <- as.array(run$fit)
  per_chain <- lapply(seq_len(dim(arr)[2]), function(c) glimmer_draws(arr[, c, , drop = TRUE]))
  out <- array(NA_real_, c(nrow(per_chain[[1]]), length(per_chain), ncol(per_chain[[1]])),
               dimnames = list(NULL, NULL, colnames(per_chain[[1]])))
  for (c in seq_along(per_chain)) out[, c, ] <- per_chain[[c]]
  out
}

# Summary in Glimmer's columns: rank-normalised split R-hat and bulk ESS (rstan::monitor, Vehtari et al.
# 2021, the definitions R's posterior package uses), MCSE of the mean.
stan_summary <- function(arr) {
  mon <- rstan::monitor(arr, warmup = 0, print = FALSE, probs = c(0.025, 0.5, 0.975))
  mon <- as.data.frame(mon)
  out <- list()
  for (k in dimnames(arr)[[3]]) {
    r <- mon[k, ]
    out[[k]] <- list(mean = r[["mean"]], sd = r[["sd"]], q2.5 = r[["2.5%"]], q50 = r[["50%"]], q97.5 = r[["97.5%"]],
                     rhat = r[["Rhat"]], ess_bulk = r[["Bulk_ESS"]], ess_tail = r[["Tail_ESS"]], mcse_mean = r[["se_mean"]])
  }
  out
}

min_ess <- function(summary) min(vapply(summary, function(s) s$ess_bulk, 0))

# The default run (timed) and the gold standard: 4 chains, draws raised until every bulk ESS >= target.
stan_reference <- function(case, data, glimmer_draws, gold_delta = 0.95, default_delta = 0.8, target_ess = 10000,
                           first_draws = 5000, gold_warmup = 2000, max_draws = 200000, max_treedepth = 10, init = "random",
                           skip_default = FALSE) {
  model <- stan_compile(case)
  default <- NULL
  if (!skip_default) {
    default <- stan_run(model, data, adapt_delta = default_delta, seed = 1, init = init)
    dsum <- stan_summary(glimmer_array(default, glimmer_draws))
    message(sprintf("[%s] Stan default run: %.1f s wall, %d divergences, min bulk ESS %.0f", case, default$wall, default$divergences, min_ess(dsum)))
  }
  draws <- first_draws
  repeat {
    gold <- stan_run(model, data, warmup = gold_warmup, draws = draws, adapt_delta = gold_delta, seed = 20240601,
                     max_treedepth = max_treedepth, init = init)
    summ <- stan_summary(glimmer_array(gold, glimmer_draws))
    e <- min_ess(summ)
    message(sprintf("[%s] Stan gold run: %d draws/chain, %.1f s wall, %d divergences, min bulk ESS %.0f", case, draws, gold$wall, gold$divergences, e))
    if (e >= target_ess || draws >= max_draws) break
    draws <- min(max_draws, ceiling(draws * target_ess / e * 1.2 / 1000) * 1000)
  }
  block <- list(model = "model.stan", tool = sprintf("rstan %s (Stan %s), NUTS", packageVersion("rstan"), rstan::stan_version()),
                chains = gold$chains, warmup = gold$warmup, draws = gold$draws, adapt_delta = gold$adapt_delta,
                max_treedepth = max_treedepth, seed = gold$seed, summary = summ, min_ess_bulk = e,
                max_rhat = max(vapply(summ, function(s) s$rhat, 0)), divergences = gold$divergences,
                treedepth_hits = gold$treedepth_hits, gold_wall_seconds = gold$wall)
  if (!is.null(default)) {
    block$samplingSeconds <- list(default_run_wall = default$wall, per_chain_warmup_plus_sampling = default$per_chain)
    block$default_run <- list(chains = 4, warmup = 1000, draws = 1000, adapt_delta = default_delta, divergences = default$divergences,
                              min_ess_bulk = min_ess(dsum), max_rhat = max(vapply(dsum, function(s) s$rhat, 0)),
                              note = "4 chains x (1000 warm-up + 1000 draws), cores = 2, compile time excluded")
  }
  block
}

# pretty = FALSE for the large models (one line: a smaller file).
write_reference <- function(case, ref, pretty = TRUE) {
  ref$generated_by <- sprintf("Rscript test/battery/r/%s.R", case)
  ref$versions <- versions()
  ref$script_seconds <- proc.time()[["elapsed"]]
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = I(10), na = "null", null = "null", pretty = pretty),
             file.path(case_dir(case), "reference.json"))
  message(sprintf("[%s] wrote %s", case, file.path(case_dir(case), "reference.json")))
}

# A glimmer_draws function for stan_reference: Stan column names -> Glimmer names. `scalars` is a named
# character vector (Stan name = Glimmer name); `vectors` a named list (Stan vector name = the Glimmer
# names of its elements 1..J, in order).
rename_draws <- function(scalars, vectors = list()) {
  stan <- c(names(scalars), unlist(lapply(names(vectors), function(k) sprintf("%s[%d]", k, seq_along(vectors[[k]])))))
  glim <- c(unname(scalars), unlist(vectors, use.names = FALSE))
  function(mat) {
    missing <- setdiff(stan, colnames(mat))
    if (length(missing) > 0) stop("Stan draws lack: ", paste(head(missing), collapse = ", "))
    out <- mat[, stan, drop = FALSE]
    colnames(out) <- glim
    out
  }
}

re_names <- function(group, levels, term = "(Intercept)", prefix = "") sprintf("%s%s[%s, %s]", prefix, group, levels, term)
