# eight_schools_c: written together with eight_schools_nc (the same posterior, one gold Stan run).
source("test/battery/r/eight_schools_nc.R")
