#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU; its headers would pull ICU's C headers into this
   module and clash with Foundation's own copy. Rapport never touches the ICU-specific
   encoding-handler fields, so the declarations are read without them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/tree.h>
