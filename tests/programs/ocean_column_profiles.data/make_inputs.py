# Writes the inputs of ocean_column_profiles.tyl (committed; run again to regenerate): a
# reference temperature profile of shape (1, 1, nz) and a surface heat flux of shape (nx, ny, 1).
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
nx, ny, nz = 10, 8, 6
z = np.arange(nz)
tref = (20.0 - 2.5 * z).reshape(1, 1, nz)
i, j = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
qsurf = (0.5 + 0.25 * ((i + 2 * j) % 5)).reshape(nx, ny, 1)
np.save(os.path.join(here, "tref.npy"), tref)
np.save(os.path.join(here, "qsurf.npy"), qsurf)
