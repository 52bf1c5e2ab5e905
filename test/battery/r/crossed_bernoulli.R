# crossed_bernoulli: simulated Bernoulli GLMM with crossed random intercepts,
# y ~ bernoulli(1 + x + (1 | subj) + (1 | item)), 30 subjects x 20 items, every pair once.
# References: lme4 ML (glmer, Laplace), glmmTMB ML, Stan (Glimmer's default priors).
source("test/battery/r/common.R")
case <- "crossed_bernoulli"

truth <- list(`(Intercept)` = 0.3, x = 1, `sd[subj, (Intercept)]` = 0.8, `sd[item, (Intercept)]` = 0.5)
set.seed(20240612)
S <- 30; I <- 20
grid <- expand.grid(item = seq_len(I), subj = seq_len(S))
subj_lv <- sprintf("s%02d", seq_len(S)); item_lv <- sprintf("i%02d", seq_len(I))
u_subj <- rnorm(S, 0, truth[["sd[subj, (Intercept)]"]])
u_item <- rnorm(I, 0, truth[["sd[item, (Intercept)]"]])
x <- round(rnorm(nrow(grid)), 6)
eta <- truth[["(Intercept)"]] + truth[["x"]] * x + u_subj[grid$subj] + u_item[grid$item]
y <- rbinom(nrow(grid), 1, plogis(eta))
truth_re <- c(setNames(as.list(u_subj), re_names("subj", subj_lv)), setNames(as.list(u_item), re_names("item", item_lv)))

file <- write_data(data.frame(y = y, x = x, subj = subj_lv[grid$subj], item = item_lv[grid$item]), case)
df <- read_back(case, c("subj", "item"))
form <- y ~ 1 + x + (1 | subj) + (1 | item)
ml <- timed(function() glmer(form, df, family = binomial), n = 5)
tmb <- timed(function() glmmTMB(form, df, family = binomial), n = 5)

stan_data <- list(N = nrow(df), y = df$y, x = df$x, J_subj = nlevels(df$subj), J_item = nlevels(df$item),
                  subj = as.integer(df$subj), item = as.integer(df$item))
draws <- rename_draws(
  c(b_Intercept = "(Intercept)", b_x = "x", sd_subj = "sd[subj, (Intercept)]", sd_item = "sd[item, (Intercept)]"),
  list(u_subj = re_names("subj", levels(df$subj)), u_item = re_names("item", levels(df$item))))
stan <- stan_reference(case, stan_data, draws, gold_delta = 0.95)

write_reference(case, list(
  case = case, description = "Simulated Bernoulli GLMM with crossed random intercepts: 30 subjects x 20 items, every pair once",
  source = "simulated in test/battery/r/crossed_bernoulli.R (set.seed(20240612))", rows = nrow(df), data = file,
  random_effects = nlevels(df$subj) + nlevels(df$item),
  truth = c(truth, list(ranef = truth_re)),
  ml = lme4_block(ml, "glmer(y ~ 1 + x + (1 | subj) + (1 | item), data, family = binomial)", sprintf("lme4::glmer %s (Laplace, nAGQ = 1)", packageVersion("lme4"))),
  glmmtmb = glmmtmb_block(tmb, "glmmTMB(y ~ 1 + x + (1 | subj) + (1 | item), data, family = binomial)"),
  stan = stan))
