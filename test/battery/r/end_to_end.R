# lme4 (or glm, glmmTMB) as a user runs it, end to end: a fresh Rscript that loads the package, reads the
# case's CSV (the columns the model declares as factors made factors) and fits, for every battery case
# with an ML or REML reference; wall seconds, median of 3, into test/battery/r_end_to_end.json. The
# battery's reference times are the fit alone inside a running R session (reference.json); this is the
# other half of the comparison, what `Rscript fit.R` costs beside `ppl infer --ml`.
#   Rscript test/battery/r/end_to_end.R        (from the repository root; the machine otherwise idle)
library(jsonlite)
cases <- sort(list.dirs("test/battery", recursive = FALSE, full.names = FALSE))
out <- list()
for (case in cases) {
  ref_file <- file.path("test/battery", case, "reference.json")
  if (!file.exists(ref_file)) next
  ref <- fromJSON(ref_file, simplifyVector = FALSE)
  model <- readLines(file.path("test/battery", case, "model.glmm"))
  factors <- sub("^\\s*(\\w+)\\s*:\\s*factor.*$", "\\1", grep("^\\s*\\w+\\s*:\\s*factor", model, value = TRUE))
  for (mode in c("ml", "reml")) {
    blk <- ref[[mode]]
    if (is.null(blk) || is.null(blk$call)) next
    pkg <- if (startsWith(blk$call, "glmmTMB")) "glmmTMB" else if (startsWith(blk$call, "glm(")) "stats" else "lme4"
    prog <- paste0(
      "suppressMessages(library(", pkg, ")); ",
      "data <- read.csv('", file.path("test/battery", case, ref$data), "'); ",
      if (length(factors) > 0) paste0("data[['", factors, "']] <- factor(data[['", factors, "']]); ", collapse = "") else "",
      "fit <- ", blk$call)
    run_once <- function() {
      t0 <- Sys.time()
      status <- system2("Rscript", c("-e", shQuote(prog)), stdout = FALSE, stderr = FALSE)
      if (status != 0) stop(sprintf("%s %s: Rscript exited %d", case, mode, status))
      as.numeric(difftime(Sys.time(), t0, units = "secs"))
    }
    # Three runs (median), or one where a run takes more than 30 s (ZEB2's glmer: about 80 s).
    first <- run_once()
    times <- if (first > 30) first else c(first, run_once(), run_once())
    out[[paste(case, mode)]] <- list(case = case, mode = mode, call = blk$call, seconds = round(median(times), 3), all_seconds = round(times, 3))
    cat(sprintf("%-24s %-5s %7.2f s\n", case, mode, median(times)))
  }
}
write(toJSON(list(generated_by = "test/battery/r/end_to_end.R", r = R.version.string, lme4 = as.character(packageVersion("lme4")),
  date = format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), runs = unname(out)), auto_unbox = TRUE, pretty = TRUE),
  "test/battery/r_end_to_end.json")
