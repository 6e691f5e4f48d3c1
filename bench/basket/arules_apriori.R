# The peer: Borgelt's apriori as shipped in the R package arules, timed like bench_basket
# (reading the file is not timed; mining plus rule building is, with system.time).
# Usage: Rscript arules_apriori.R FILE csv|fimi SUPPORT CONFIDENCE [REPEATS]
# Prints one "result key=value ..." line, as bench_basket does. Installs nothing.
suppressPackageStartupMessages(library(arules))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 4) stop("usage: Rscript arules_apriori.R FILE csv|fimi SUPPORT CONFIDENCE [REPEATS]")
file <- args[1]
sep <- if (args[2] == "csv") "," else " "
supp <- as.numeric(args[3])
conf <- as.numeric(args[4])
repeats <- if (length(args) >= 5) as.integer(args[5]) else 10L

# quote = "" keeps names as written (no quoting in these files).
tr <- read.transactions(file, format = "basket", sep = sep, quote = "")

# minlen = 2: rules with a non-empty left-hand side, as counted by the engine and the issue;
# maxlen = 100: no practical limit (arules' default is 10).
mine <- function() {
  apriori(tr, parameter = list(supp = supp, conf = conf, minlen = 2, maxlen = 100,
                               target = "rules"),
          control = list(verbose = FALSE))
}
rules <- mine()  # warm-up, untimed
elapsed <- numeric(repeats)
for (i in seq_len(repeats)) elapsed[i] <- system.time(rules <- mine())[["elapsed"]]
itemsets <- apriori(tr, parameter = list(supp = supp, maxlen = 100,
                                         target = "frequent itemsets"),
                    control = list(verbose = FALSE))
status <- readLines("/proc/self/status")
hwm_kb <- as.numeric(gsub("[^0-9]", "", status[grepl("^VmHWM", status)]))
cat(sprintf(paste("result impl=arules-%s file=%s baskets=%d items=%d itemsets=%d rules=%d",
                  "total_ms=%.3f best_ms=%.3f rss_mb=%.1f\n"),
            as.character(packageVersion("arules")), basename(file), length(tr), ncol(tr), length(itemsets),
            length(rules), 1000 * median(elapsed), 1000 * min(elapsed), hwm_kb / 1024))
