// Only the declaration in include/CFuzzDriver.h matters; libFuzzer provides the function.
#include "CFuzzDriver.h"
