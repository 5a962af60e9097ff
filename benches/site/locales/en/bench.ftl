switch = Language
tags-label = Tags
