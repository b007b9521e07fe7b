# What the metafor oracles (tests/metafor_*oracle.R) share: each sources this file by its own path, reads its batch
# with read_batch(), fits through with_remedy() (or fit() and fit_one() for rma(yi, vi)) and writes its answers with
# write_answers().
#
#   Rscript tests/metafor_X_oracle.R IN.json OUT.json
#
# R and metafor are a test oracle only: mscteach never calls them.
suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)

# IN.json, as lists (JSON arrays stay lists, so a null inside one survives until values() reads it)
read_batch <- function() fromJSON(args[[1]], simplifyVector = FALSE)

# OUT.json: metafor's version and the results, every digit, R's NA and NULL as JSON null
write_answers <- function(results) {
  write(toJSON(list(metafor = as.character(packageVersion("metafor")), results = results),
               auto_unbox = TRUE, digits = NA, na = "null", null = "null"), args[[2]])
}

# Iterative estimators (REML's Fisher scoring, PM's uniroot) run to far tighter limits than metafor's
# defaults (threshold 1e-5, tol ~1.2e-4) so that the comparison can be at 1e-8 and below.
tight <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)

# f(control) makes one rma() call (rma() looks its arguments up by name, so they cannot be passed on as ...),
# with `control`; where REML's Fisher scoring overshoots and does not converge, again with metafor's own remedy
# (help(rma): a smaller step, stepadj = 0.5), and the answer says so (attribute "remedy"). metafor's error
# message, as text, where it stops.
with_remedy <- function(f, control = tight) {
  attempt <- function(control) tryCatch(suppressWarnings(f(control)), error = function(e) conditionMessage(e))
  res <- attempt(control)
  if (is.character(res) && grepl("did not converge", res)) {
    retried <- attempt(c(control, list(stepadj = 0.5)))
    if (!is.character(retried)) attr(retried, "remedy") <- paste("stepadj = 0.5 after:", res)
    res <- retried
  }
  res
}

# JSON null inside an array is NULL in the list; unlist() would drop it, so it becomes NA here
values <- function(x, as) vapply(x, function(z) if (is.null(z)) as(NA) else as(z), as(NA))
num <- function(x) values(x, as.numeric)
chr <- function(x) values(x, as.character)

# One rma(yi, vi) of the studies in `dat`, with the remedy (metafor's error, as text, where it stops)
fit <- function(dat, method, test, control = tight) {
  with_remedy(function(control) rma(yi, vi, data = dat, method = method, test = test, control = control), control)
}

# What a pooled fit answers: k, estimate, se, CI, tau2, I2, Q and its p-value and, for random effects, the
# prediction interval of metafor's default predict() (pi_low, pi_high) and of pi.type = "riley" (Higgins 2009);
# or the error metafor stopped with
fit_one <- function(dat, method, test, control = tight) {
  res <- fit(dat, method, test, control)
  if (is.character(res)) return(list(error = res))
  out <- list(k = res$k, remedy = attr(res, "remedy"), estimate = as.numeric(res$beta), se = res$se,
              ci_low = res$ci.lb, ci_high = res$ci.ub,
              tau2 = res$tau2, i2 = res$I2, q = res$QE, q_pvalue = res$QEp, error = NULL)
  if (method != "FE") {
    p <- suppressWarnings(predict(res))
    out$pi_low <- p$pi.lb
    out$pi_high <- p$pi.ub
    r <- suppressWarnings(predict(res, pi.type = "riley"))
    out$riley_low <- r$pi.lb
    out$riley_high <- r$pi.ub
  }
  out
}
