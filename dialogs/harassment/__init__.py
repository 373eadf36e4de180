"""Reporting online harassment or bullying (3.9): the person's manager, HR and the Communications Team told,
and the offending account on the blocked-accounts list the Communications Team keeps across channels."""
