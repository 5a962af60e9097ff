switch = Taal
tags-label = Trefwoorden
