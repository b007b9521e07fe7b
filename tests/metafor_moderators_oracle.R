# The test oracle for tests/test_metafor_moderators.py: metafor's meta-regressions and subgroup analyses.
#
#   Rscript tests/metafor_moderators_oracle.R IN.json OUT.json
#
# IN.json: {"datasets": [{"id", "measure" ("RR"|"OR"), "e1", "n1", "e2", "n2", "x" (numbers or null),
#           "g" (strings or null), "moderators" (some of "x", "g"), "subgroup_method" ("DL"|"REML"|"PM")}]}
# OUT.json: per dataset, escalc's yi/vi; the studies kept (informative, no missing moderator); one fit of
# rma(yi, vi, mods = ~ x + factor(g)) per method (FE, DL, REML, ML, PM) and test (z; knha but for FE), each
# with coefficients, SEs, CIs, statistics, p-values, tau2, I2, R2 (z fits), QM and QE
# (or the error metafor stopped with); and the subgroup analysis by g: each subgroup's rma() with
# subgroup_method, and the test for subgroup differences, rma(estimates, sei = Wald SEs, method = "FE")$QE.
# R and metafor are a test oracle only: mscteach never calls them.

# The set-up the oracles share (libraries, reading the batch, tight limits and the remedy, writing the answers),
# found next to this script whatever the working directory
source(file.path(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))),
                 "metafor_common.R"))

batch <- read_batch()

# mods as a model matrix made once per dataset (its columns named by model.matrix: "x", "factor(g)beta", ...);
# a knha fit skips R² (skipr2), which only the estimator decides and the z fit of the same method reports
regression <- function(dat, mods, method, test) {
  res <- with_remedy(function(control) rma(dat$yi, dat$vi, mods = mods, method = method, test = test,
                                           control = control, skipr2 = test != "z"))
  if (is.character(res)) return(list(error = res))
  list(error = NULL, remedy = attr(res, "remedy"), k = res$k, p = res$p, terms = rownames(res$beta),
       estimate = as.numeric(res$beta), se = res$se, ci_low = res$ci.lb, ci_high = res$ci.ub,
       statistic = res$zval, p_value = res$pval, tau2 = res$tau2, i2 = res$I2,
       r2 = if (is.null(res$R2)) NA else res$R2, qm = res$QM, qm_df = I(as.numeric(res$QMdf[!is.na(res$QMdf)])),
       qm_p = res$QMp, qe = res$QE, qe_p = res$QEp)
}

subgroups <- function(dat, method) {
  dat <- dat[!is.na(dat$yi) & !is.na(dat$g), ]
  out <- list()
  for (level in sort(unique(dat$g))) {
    d <- dat[dat$g == level, ]
    if (nrow(d) == 1) {
      out[[level]] <- list(k = 1, estimate = d$yi, se = sqrt(d$vi), ci_low = NA, ci_high = NA, tau2 = NA, i2 = NA,
                           q = NA)
      next
    }
    z <- with_remedy(function(control) rma(yi, vi, data = d, method = method, control = control))
    if (is.character(z)) return(list(error = z))
    out[[level]] <- list(k = z$k, estimate = as.numeric(z$beta), se = z$se, ci_low = z$ci.lb, ci_high = z$ci.ub,
                         tau2 = z$tau2, i2 = z$I2, q = z$QE)
  }
  est <- vapply(out, function(s) s$estimate, 0)
  sei <- vapply(out, function(s) s$se, 0)
  test <- if (length(est) >= 2) rma(est, sei = sei, method = "FE") else NULL
  list(error = NULL, groups = out, levels = I(names(out)),
       q_between = if (is.null(test)) NA else test$QE, p_value = if (is.null(test)) NA else test$QEp)
}

results <- lapply(batch$datasets, function(d) {
  dat <- escalc(measure = d$measure, ai = num(d$e1), n1i = num(d$n1), ci = num(d$e2), n2i = num(d$n2),
                add = 1/2, to = "only0", drop00 = TRUE)
  dat$x <- num(d$x)
  dat$g <- chr(d$g)
  mods <- unlist(d$moderators)
  keep <- !is.na(dat$yi)
  for (m in mods) keep <- keep & !is.na(dat[[m]])
  kept <- dat[keep, ]
  kept$g <- factor(kept$g)  # levels of the studies modelled only, sorted, the first the reference
  formula <- as.formula(paste("~", paste(ifelse(mods == "g", "factor(g)", "x"), collapse = " + ")))
  X <- tryCatch(model.matrix(formula, kept)[, -1, drop = FALSE], error = function(e) conditionMessage(e))
  fits <- list()
  for (method in c("FE", "DL", "REML", "ML", "PM")) for (test in c("z", "knha")) {
    if (method == "FE" && test == "knha") next
    fits[[paste(method, test)]] <- if (is.character(X)) list(error = X) else regression(kept, X, method, test)
  }
  list(id = d$id, yi = as.numeric(dat$yi), vi = as.numeric(dat$vi), kept = I(which(keep)), fits = fits,
       subgroups = subgroups(dat, d$subgroup_method))
})
write_answers(results)
