# Writes the inputs of shallow_water_loaded_depth.tyl (committed; run again to regenerate):
# a cross-channel depth profile of shape (1, ny) and an along-channel friction of shape (nx, 1).
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
nx, ny = 24, 16
y = np.arange(ny)
depth = (10.0 - 6.0 * np.exp(-0.1 * (y - 7.5) ** 2)).reshape(1, ny)
x = np.arange(nx)
friction = (0.002 + 0.001 * (x > nx // 2)).reshape(nx, 1)
np.save(os.path.join(here, "depth.npy"), depth)
np.save(os.path.join(here, "friction.npy"), friction)
