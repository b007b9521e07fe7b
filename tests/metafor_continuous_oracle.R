# The test oracle for tests/test_continuous.py: metafor's answers for a batch of two-arm continuous datasets.
#
#   Rscript tests/metafor_continuous_oracle.R IN.json OUT.json
#
# IN.json: {"datasets": [{"id", "measure" ("MD"|"SMD"), "m1", "sd1", "n1", "m2", "sd2", "n2"}]}
# OUT.json: per dataset, escalc's yi/vi (measure MD or SMD, default vtype "LS"), then one fit per method
# (FE, DL, REML, PM) and test (z, knha): estimate, se, CI, tau2, I2, Q, Q's p-value and the prediction
# intervals, metafor's default and pi.type="riley" (Higgins 2009), or the error metafor stopped with.
# R and metafor are a test oracle only: mscteach never calls them.

# The set-up the oracles share (libraries, reading the batch, tight limits and the remedy, writing the answers),
# found next to this script whatever the working directory
source(file.path(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))),
                 "metafor_common.R"))

batch <- read_batch()
# PM's search for τ² may go far above its default ceiling (tau2.max = max(100, 100 * var(yi))): raw mean
# differences can be that heterogeneous.
wide <- c(tight, list(tau2.max = 1e12))

results <- lapply(batch$datasets, function(d) {
  dat <- escalc(measure = d$measure, m1i = num(d$m1), sd1i = num(d$sd1), n1i = num(d$n1),
                m2i = num(d$m2), sd2i = num(d$sd2), n2i = num(d$n2))
  fits <- list()
  for (method in c("FE", "DL", "REML", "PM")) for (test in c("z", "knha")) {
    if (method == "FE" && test == "knha") next
    fits[[paste(method, test)]] <- fit_one(dat, method, test, wide)
  }
  list(id = d$id, yi = as.numeric(dat$yi), vi = as.numeric(dat$vi), fits = fits)
})
write_answers(results)
