# The data of the small-model benchmark (bench/models/), written once and committed:
#   Rscript bench/stan_small/make_data.R
# - poisson_years.csv: 40 years, one count each, log mean = b0 + b1 t + b2 t^2 + b3 t^3 + u[year],
#   t the standardised year, u[year] ~ Normal(0, 0.3); seeded.
# - cbpp.csv: lme4's contagious bovine pleuropneumonia data (56 herd-periods, 15 herds), as lme4 ships it.
suppressPackageStartupMessages(library(lme4))
out <- "bench/models"

set.seed(20240607)
year <- 1981:2020
t <- (year - mean(year)) / sd(year)
b <- c(2.0, 0.4, -0.3, 0.15)
u <- rnorm(length(year), 0, 0.3)
count <- rpois(length(year), exp(b[1] + b[2] * t + b[3] * t^2 + b[4] * t^3 + u))
# 17 significant digits: the CSV holds exactly the doubles R used.
write.csv(data.frame(year = year, t = sprintf("%.17g", t), count = count),
          file.path(out, "poisson_years.csv"), row.names = FALSE, quote = FALSE)

data(cbpp, package = "lme4")
write.csv(data.frame(herd = as.character(cbpp$herd), period = as.character(cbpp$period),
                     incidence = cbpp$incidence, size = cbpp$size),
          file.path(out, "cbpp.csv"), row.names = FALSE, quote = FALSE)
