# The test oracle for tests/test_small_studies.py: metafor's regtest() and trimfill() for a batch of datasets.
#
#   Rscript tests/metafor_small_studies_oracle.R IN.json OUT.json
#
# IN.json: {"datasets": [{"id", "measure" ("RR"|"OR"), "e1", "n1", "e2", "n2",
#                          "regtest": [[method, test], ...], "trimfill": [[method, estimator(, side)], ...]}]}
#   method: FE, DL, REML or PM; test: z or knha; estimator: L0 or R0; side: left or right (else metafor's rule).
# OUT.json: per dataset, escalc's yi/vi (as text, every digit); for each regtest(rma(yi, vi, method, test)) asked for, keyed
# "method test": the slope's statistic and p-value, the limit estimate (intercept) with its CI, the slope, the
# standard errors and tau2 of the regression; for each trimfill(rma(yi, vi, method), estimator, side) asked for,
# keyed "method estimator[ side]": k0, its SE, the side, the iterations (counted from verbose=TRUE), the filled
# studies and the adjusted fit. Or the error metafor stopped with.
# R and metafor are a test oracle only: mscteach never calls them.

# The set-up the oracles share (libraries, reading the batch, tight limits and the remedy, writing the answers),
# found next to this script whatever the working directory
source(file.path(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))),
                 "metafor_common.R"))

batch <- read_batch()

egger <- function(dat, method, test) {
  res <- with_remedy(function(control) {
    fit <- rma(yi, vi, data = dat, method = method, test = test, control = control)
    regtest(fit)
  })
  if (is.character(res)) return(list(error = res))
  fit <- res$fit
  list(error = NULL, remedy = attr(res, "remedy"), statistic = res$zval, pvalue = res$pval,
       df = if (test == "knha") res$ddf else NULL, limit = res$est, limit_low = res$ci.lb, limit_high = res$ci.ub,
       limit_se = fit$se[1], slope = as.numeric(fit$beta[2]), slope_se = fit$se[2], tau2 = fit$tau2, k = fit$k)
}

fill <- function(dat, method, estimator, side = NULL) {
  iterations <- NA
  res <- with_remedy(function(control) {
    fit <- rma(yi, vi, data = dat, method = method, control = control)
    out <- NULL
    printed <- capture.output(out <- if (is.null(side)) trimfill(fit, estimator = estimator, verbose = TRUE,
                                                                  control = control)
                              else trimfill(fit, estimator = estimator, side = side, verbose = TRUE,
                                            control = control))
    iterations <<- sum(grepl("^Iteration", printed))
    out
  })
  if (is.character(res)) return(list(error = res))
  filled <- if (res$k0 > 0) res$fill else rep(FALSE, res$k)
  list(error = NULL, remedy = attr(res, "remedy"), k0 = res$k0, se_k0 = res$se.k0, side = res$side,
       iterations = iterations, filled_yi = I(as.numeric(res$yi[filled])), filled_vi = I(as.numeric(res$vi[filled])),
       k = res$k, estimate = as.numeric(res$beta), se = res$se, ci_low = res$ci.lb, ci_high = res$ci.ub,
       tau2 = res$tau2)
}

results <- lapply(batch$datasets, function(d) {
  dat <- escalc(measure = d$measure, ai = num(d$e1), n1i = num(d$n1), ci = num(d$e2), n2i = num(d$n2),
                add = 1/2, to = "only0", drop00 = TRUE)
  dat <- dat[!is.na(dat$yi), ]  # studies without information, as mscteach leaves them out
  regtests <- list()
  trimfills <- list()
  for (r in d$regtest) regtests[[paste(r[[1]], r[[2]])]] <- egger(dat, r[[1]], r[[2]])
  for (f in d$trimfill) {
    side <- if (length(f) > 2) f[[3]] else NULL
    trimfills[[paste(c(f[[1]], f[[2]], side), collapse = " ")]] <- fill(dat, f[[1]], f[[2]], side)
  }
  # yi and vi as text with 17 significant digits: the same doubles in Python (toJSON writes 15)
  list(id = d$id, yi = I(sprintf("%.17g", dat$yi)), vi = I(sprintf("%.17g", dat$vi)), regtest = regtests,
       trimfill = trimfills)
})
write_answers(results)
