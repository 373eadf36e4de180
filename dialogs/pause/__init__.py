"""The mourning pause (4.4, Operation Menai Bridge / London Bridge): posting stops for the mourning period.

    rules      how long it lasts, what a command asks for, who may change it
    store      the pause in force, closing it once, the register's administrators to tell
    flow       start, move, end and expire it; tell the administrators and the Communications Team
    messages   the banner, the DMs, the replies
"""
