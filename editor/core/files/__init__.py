"""Files on disk: identity and the safe save (`save`), the folder walk that finds articles (`walk`),
the crash-recovery journal (`journal`) and the three-way merge with an outside change (`merge`)."""
