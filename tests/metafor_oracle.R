# The test oracle for tests/test_metafor_agreement.py: metafor's answers for a batch of two-arm binary datasets.
#
#   Rscript tests/metafor_oracle.R IN.json OUT.json
#
# IN.json: {"datasets": [{"id", "measure" ("RR"|"OR"), "e1", "n1", "e2", "n2", "sensitivity": [method, test] or null}]}
# OUT.json: per dataset, escalc's yi/vi, then one fit per method (FE, DL, REML, PM) and test (z, knha):
# estimate, se, CI, tau2, I2, Q, the default prediction interval and pi.type="riley" (Higgins 2009), or the
# error metafor stopped with; and, when "sensitivity" is given, cumul() and leave1out() of that fit.
# R and metafor are a test oracle only: mscteach never calls them.

# The set-up the oracles share (libraries, reading the batch, tight limits and the remedy, writing the answers),
# found next to this script whatever the working directory
source(file.path(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))),
                 "metafor_common.R"))
options(na.action = "na.pass")  # cumul()/leave1out() rows line up with the studies, NA for a dropped one

batch <- read_batch()

sensitivity <- function(dat, method, test) {
  res <- fit(dat, method, test)
  if (is.character(res)) return(list(error = res))
  pick <- function(x, subsets) {
    out <- list(estimate = x$estimate, se = x$se, ci_low = x$ci.lb, ci_high = x$ci.ub, tau2 = x$tau2, i2 = x$I2,
                q = x$Q, remedied = integer(0))
    # cumul()/leave1out() give NA where a subset's fit fails (REML's Fisher scoring not converging): refit
    # those with the remedy of fit() and say which rows were
    for (i in which(is.na(out$estimate) & !is.na(dat$yi))) {
      sub <- fit(dat[subsets(i), ], method, test)
      if (is.character(sub)) next
      out$estimate[i] <- as.numeric(sub$beta); out$se[i] <- sub$se; out$ci_low[i] <- sub$ci.lb
      out$ci_high[i] <- sub$ci.ub; out$tau2[i] <- sub$tau2; out$i2[i] <- sub$I2; out$q[i] <- sub$QE
      out$remedied <- c(out$remedied, i)
    }
    out$remedied <- I(out$remedied)  # a JSON array even for one row
    out
  }
  list(cumul = pick(suppressWarnings(cumul(res)), function(i) seq_len(i)),
       leave1out = pick(suppressWarnings(leave1out(res)), function(i) -i))
}

results <- lapply(batch$datasets, function(d) {
  dat <- escalc(measure = d$measure, ai = num(d$e1), n1i = num(d$n1), ci = num(d$e2), n2i = num(d$n2),
                add = 1/2, to = "only0", drop00 = TRUE)
  fits <- list()
  for (method in c("FE", "DL", "REML", "PM")) for (test in c("z", "knha")) {
    if (method == "FE" && test == "knha") next
    fits[[paste(method, test)]] <- fit_one(dat, method, test)
  }
  out <- list(id = d$id, yi = as.numeric(dat$yi), vi = as.numeric(dat$vi), fits = fits)
  if (!is.null(d$sensitivity)) out$sensitivity <- sensitivity(dat, d$sensitivity[[1]], d$sensitivity[[2]])
  out
})
write_answers(results)
